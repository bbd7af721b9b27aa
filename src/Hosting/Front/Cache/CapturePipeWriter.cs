using System.Buffers;
using System.IO.Pipelines;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>
/// Passes a response body through to the real writer while keeping a copy of up to a limit, for the cache.
/// </summary>
/// <remarks>
/// The interpreter worker writes as GetSpan/GetMemory, Advance, FlushAsync from its own thread; the bytes are copied
/// at Advance, out of the memory the inner writer handed out, so nothing is written twice to the socket's buffer.
/// FlushAsync is the inner writer's own, so a slow client still holds the worker back.
/// </remarks>
internal sealed class CapturePipeWriter(PipeWriter inner, int limit) : PipeWriter
{
    private readonly ArrayBufferWriter<byte> copy = new();
    private Memory<byte> lent;

    /// <summary>True when the body grew past the limit; the copy is then incomplete and dropped.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Every byte passed through so far, when there were no more than the limit.</summary>
    public ReadOnlyMemory<byte> Captured => Overflowed ? ReadOnlyMemory<byte>.Empty : copy.WrittenMemory;

    /// <summary>Bytes passed through, counted also past the limit.</summary>
    public long Length { get; private set; }

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => lent = inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, lent.Length);
        Keep(lent.Span[..bytes]);
        lent = lent[bytes..];
        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Keep(source.Span);
        return inner.WriteAsync(source, cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
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
