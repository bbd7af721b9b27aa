using System.Buffers;
using System.IO.Pipelines;
using AkkaWsgi.Hosting.Front.Body;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// Passes a response body through to the real writer while keeping a copy of up to a limit, for the cache.
/// </summary>
internal sealed class CapturePipeWriter(PipeWriter inner, int limit) : ObservingPipeWriter(inner)
{
    private readonly ArrayBufferWriter<byte> copy = new();

    /// <summary>True when the body grew past the limit; the copy is then incomplete and dropped.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Every byte passed through so far, when there were no more than the limit.</summary>
    public ReadOnlyMemory<byte> Captured => Overflowed ? ReadOnlyMemory<byte>.Empty : copy.WrittenMemory;

    protected override void Observe(ReadOnlySpan<byte> bytes)
    {
        if (Overflowed)
        {
            return;
        }

        if (Length > limit)
        {
            // Give up the copy, not the response: the client still gets every byte.
            Overflowed = true;
            copy.Clear();
            return;
        }

        copy.Write(bytes);
    }
}
