using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>The response body feature seen by the rest of the pipeline on a cache miss: the real one, with a copy taken.</summary>
internal sealed class CaptureBodyFeature : IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature inner;
    private Stream? stream;

    public CaptureBodyFeature(IHttpResponseBodyFeature inner, int limit)
    {
        this.inner = inner;
        Capture = new CapturePipeWriter(inner.Writer, limit);
    }

    /// <summary>The writer that keeps the copy.</summary>
    public CapturePipeWriter Capture { get; }

    public PipeWriter Writer => Capture;

    // A stream over the capturing writer, so bytes written either way are copied once.
    public Stream Stream => stream ??= Capture.AsStream(leaveOpen: true);

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
