using System.IO.Pipelines;

namespace AkkaWsgi.Hosting.Front.Body;

/// <summary>Passes a response body through to the real writer, showing every byte to a subclass on the way.</summary>
/// <remarks>
/// The interpreter worker writes as GetSpan/GetMemory, Advance, FlushAsync from its own thread; the bytes are observed
/// at Advance, in the memory the inner writer handed out, so nothing is written twice to the socket's buffer.
/// FlushAsync is the inner writer's own, so a slow client still holds the writer back.
/// </remarks>
internal abstract class ObservingPipeWriter(PipeWriter inner) : PipeWriter
{
    private Memory<byte> lent;

    /// <summary>Bytes passed through so far.</summary>
    public long Length { get; private set; }

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => lent = inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, lent.Length);
        Pass(lent.Span[..bytes]);
        lent = lent[bytes..];
        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Pass(source.Span);
        return inner.WriteAsync(source, cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    /// <summary>Sees bytes on their way to the client, after <see cref="Length"/> has counted them.</summary>
    protected abstract void Observe(ReadOnlySpan<byte> bytes);

    private void Pass(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
        Observe(bytes);
    }
}
