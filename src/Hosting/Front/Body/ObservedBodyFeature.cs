using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front.Body;

/// <summary>The response body feature seen by the rest of the pipeline: the real one, written through an observing writer.</summary>
internal sealed class ObservedBodyFeature<TWriter>(IHttpResponseBodyFeature inner, TWriter writer) : IHttpResponseBodyFeature
    where TWriter : ObservingPipeWriter
{
    private Stream? stream;

    /// <summary>The writer every byte of the body passes.</summary>
    public TWriter Observer => writer;

    public PipeWriter Writer => writer;

    // A stream over the observing writer, so bytes written either way are seen once.
    public Stream Stream => stream ??= writer.AsStream(leaveOpen: true);

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
