using System.Buffers;
using AkkaWsgi.Python.Wsgi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// Reads a request body completely before the request is dispatched, so a slow upload never occupies a Python
/// worker and a malformed body (bad chunk sizes, too large) is refused before the application sees the request.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>Reads the body into memory up to <paramref name="memoryLimit"/> bytes, spilling the rest to a file.</summary>
    /// <remarks>Kestrel enforces the size limit and the framing; its BadHttpRequestException (400, 413) propagates.</remarks>
    public static ValueTask<RequestBody> ReadAsync(HttpContext context, int memoryLimit, CancellationToken cancellationToken)
    {
        var request = context.Request;
        // Most requests have no body; answering them without an async state machine saves a Task per request.
        return request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
            ? new(RequestBody.Empty)
            : new(ReadBodyAsync(request, memoryLimit, cancellationToken));
    }

    private static async Task<RequestBody> ReadBodyAsync(HttpRequest request, int memoryLimit, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, Math.Max(memoryLimit, 1)));
        FileStream? spill = null;
        string? spillPath = null;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    foreach (var segment in read.Buffer)
                    {
                        if (spill is null && buffer.WrittenCount + segment.Length > memoryLimit)
                        {
                            spillPath = Path.Combine(Path.GetTempPath(), $"akkawsgi-body-{Guid.NewGuid():N}");
                            spill = Spill(() => new FileStream(spillPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024,
                                FileOptions.Asynchronous));
                            await SpillAsync(() => spill.WriteAsync(buffer.WrittenMemory, cancellationToken)).ConfigureAwait(false);
                        }

                        if (spill is null)
                        {
                            buffer.Write(segment.Span);
                        }
                        else
                        {
                            await SpillAsync(() => spill.WriteAsync(segment, cancellationToken)).ConfigureAwait(false);
                        }
                    }
                }
                finally
                {
                    // Also when the spill fails: a body left mid-read could not be drained or closed by Kestrel after.
                    reader.AdvanceTo(read.Buffer.End);
                }

                if (read.IsCompleted)
                {
                    break;
                }
            }

            if (spill is null)
            {
                return new RequestBody.InMemory(buffer.WrittenMemory);
            }

            var length = spill.Length;
            await SpillAsync(() => spill.DisposeAsync()).ConfigureAwait(false);
            spill = null;
            return new RequestBody.InFile(spillPath!, length);
        }
        catch
        {
            if (spill is not null)
            {
                try
                {
                    await spill.DisposeAsync().ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // What did not fit is thrown away with the file.
                }
            }

            Remove(spillPath);
            throw;
        }
    }

    private static T Spill<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RequestBodySpillException(Path.GetTempPath(), e);
        }
    }

    private static async ValueTask SpillAsync(Func<ValueTask> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RequestBodySpillException(Path.GetTempPath(), e);
        }
    }

    /// <summary>Deletes a spilled body; the application may still hold it open, which Unix allows.</summary>
    public static void Remove(RequestBody body)
    {
        if (body is RequestBody.InFile file)
        {
            Remove(file.Path);
        }
    }

    private static void Remove(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Already gone, or the temporary directory is read-only now: nothing more can be done.
        }
    }
}
