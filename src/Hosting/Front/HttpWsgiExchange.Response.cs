using System.Buffers;
using System.IO.Pipelines;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front.Cache;
using AkkaWsgi.Hosting.Front.Parking;
using AkkaWsgi.Hosting.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Hosting.Front;

/// <summary>The response half: what the bridge writes goes straight into Kestrel's response pipe.</summary>
/// <remarks>
/// Kestrel's pipe is the bounded buffer between the worker and the socket: FlushAsync does not complete while more
/// than its limit (64 KiB by default) is waiting for a slow client, so a worker that produces faster than the client
/// reads is held back instead of growing memory.
/// </remarks>
internal sealed partial class HttpWsgiExchange : AkkaWsgi.Python.Wsgi.IWsgiResponse
{
    private const int FileChunk = 64 * 1024;

    public bool IsClientGone => context.RequestAborted.IsCancellationRequested;

    public bool DiscardsBody => Parked is not null || HttpMethods.IsHead(context.Request.Method);

    public bool HasStarted => context.Response.HasStarted;

    public bool TryDiscard()
    {
        var response = context.Response;
        // Body bytes written before the headers went out are held by Kestrel, which would send them after any later
        // headers: a response holding some cannot be replaced.
        if (Parked is not null || response.HasStarted || !response.BodyWriter.CanGetUnflushedBytes || response.BodyWriter.UnflushedBytes > 0)
        {
            return false;
        }

        response.Clear();
        context.Items.Remove(VaryCookiesDirective.ItemsKey);
        return true;
    }

    /// <summary>
    /// Set when the application parked the request: its response is then discarded, and the connection holds the
    /// client until the request is woken (a place among --max-parked is already reserved for it).
    /// </summary>
    public ParkedRequest? Parked { get; private set; }

    public void Start(int statusCode, string reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (TryPark(headers))
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = statusCode;
        if (reasonPhrase != ReasonPhrases.GetReasonPhrase(statusCode))
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = reasonPhrase;
        }

        var target = response.Headers;
        // By index: a foreach over the interface would box an enumerator for every response.
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (BlockDirective.IsHeader(name))
            {
                // A directive to the server, never meant for the client.
                blocks.Apply(Info.Client, name, value, Description);
                context.Items[BlockDirective.ItemsKey] = true;
                continue;
            }

            if (VaryCookiesDirective.IsHeader(name))
            {
                // For the page cache alone (it narrows Vary: Cookie); repeated, the names add up.
                context.Items[VaryCookiesDirective.ItemsKey] =
                    context.Items.TryGetValue(VaryCookiesDirective.ItemsKey, out var earlier) ? $"{earlier}, {value}" : value;
                continue;
            }

            if (ParkDirective.IsHeader(name) || ParkDirective.IsTimeoutHeader(name))
            {
                continue; // a directive to the server, not honoured this time (see TryPark)
            }

            HeaderAppend.Add(target, name, value);
        }
    }

    private bool TryPark(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        string? channels = null;
        string? timeout = null;
        for (var i = 0; i < headers.Count; i++)
        {
            var (name, value) = headers[i];
            if (ParkDirective.IsHeader(name))
            {
                channels = channels is null ? value : $"{channels}, {value}";
            }
            else if (ParkDirective.IsTimeoutHeader(name))
            {
                timeout = value;
            }
        }

        if (channels is null && timeout is null)
        {
            return false;
        }

        if (retryArg is not null)
        {
            return false; // a retried request is answered, or a notification could bounce it around for ever
        }

        var names = ParkDirective.Channels(channels ?? "");
        string? problem = null;
        var seconds = TimeSpan.Zero;
        var action = ParkAction.Http504;
        if (names.Count == 0)
        {
            problem = "no channel named in X-AkkaWsgi-Park";
        }
        else if (timeout is null)
        {
            problem = "X-AkkaWsgi-Park-Timeout is missing";
        }
        else if (!ParkDirective.TryParseTimeout(timeout, out seconds, out action))
        {
            problem = $"X-AkkaWsgi-Park-Timeout: {timeout}: {ParkDirective.TimeoutProblem(timeout)}";
        }

        if (problem is not null)
        {
            ParkLog.BadParkHeaders(parking.Logger, Description, problem);
            return false;
        }

        if (!parking.Stats.TryReserve())
        {
            ParkLog.ParkingFull(parking.Logger, Description, parking.Stats.Capacity);
            return false;
        }

        Parked = new ParkedRequest(names, seconds, action, Description);
        return true;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (Parked is null)
        {
            context.Response.BodyWriter.Write(data);
        }
    }

    public ValueTask<bool> FlushAsync()
    {
        if (Parked is not null)
        {
            return new(!IsClientGone);
        }

        var pending = context.Response.BodyWriter.FlushAsync();
        return pending.IsCompletedSuccessfully ? new(Delivered(pending.Result)) : AwaitFlush(pending);
    }

    public async ValueTask<bool> SendFileAsync(SafeFileHandle file, long offset, long? count)
    {
        if (Parked is not null)
        {
            return !IsClientGone;
        }

        var writer = context.Response.BodyWriter;
        var remaining = count ?? long.MaxValue;
        while (remaining > 0)
        {
            var memory = writer.GetMemory(FileChunk);
            if (memory.Length > remaining)
            {
                memory = memory[..(int)remaining];
            }

            var read = await RandomAccess.ReadAsync(file, memory, offset).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            writer.Advance(read);
            offset += read;
            remaining -= read;
            if (!await AwaitFlush(writer.FlushAsync()).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    public bool TrySendFileLater(SafeFileHandle file, long offset, long count)
    {
        // Refused once the connection side has taken what there was: it ended the request without waiting for this
        // worker (the client left) and would never send the file.
        return Parked is null && Interlocked.CompareExchange(ref fileLater, new FileLater(file, offset, count), null) is null;
    }

    /// <summary>
    /// Sends the file a worker handed over, if any, after what it wrote: called once the worker has finished the
    /// request, by the connection alone. The file is closed whatever happens.
    /// </summary>
    /// <exception cref="IncompleteResponseException">Reading the file failed (logged); the response must be cut short.</exception>
    public ValueTask SendFileLaterAsync(ILogger logger)
    {
        var taken = Interlocked.Exchange(ref fileLater, FileLater.Taken);
        return taken is null || ReferenceEquals(taken, FileLater.Taken) ? ValueTask.CompletedTask : SendAsync(taken);

        async ValueTask SendAsync(FileLater file)
        {
            using (file.Handle)
            {
                try
                {
                    await SendFileAsync(file.Handle, file.Offset, file.Count).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    // A client that left is no error (SendFileAsync says so by its result): this is the file's read.
                    ServerLog.FileSendFailed(logger, Description, e.Message);
                    throw new IncompleteResponseException(Description);
                }
            }
        }
    }

    /// <summary>True when the response failed after it started and must be left incomplete.</summary>
    public bool IsIncomplete { get; private set; }

    public void Abort()
    {
        if (Parked is not null)
        {
            return; // nothing of this response goes out anyway; the parked request is answered later
        }

        // A file handed over before the failure is not sent: the response ends where the failure left it.
        if (Interlocked.Exchange(ref fileLater, FileLater.Taken) is { } file && !ReferenceEquals(file, FileLater.Taken))
        {
            file.Handle.Dispose();
        }

        if (context.Response.HasStarted)
        {
            IsIncomplete = true;
        }
        else
        {
            context.Abort();
        }
    }

    // Written by the worker, taken by the connection; FileLater.Taken once taken, so that nothing is handed over after.
    private FileLater? fileLater;

    private sealed record FileLater(SafeFileHandle Handle, long Offset, long Count)
    {
        public static readonly FileLater Taken = new(new SafeFileHandle(), 0, 0);
    }

    private bool Delivered(FlushResult result) => !result.IsCanceled && !result.IsCompleted && !IsClientGone;

    private async ValueTask<bool> AwaitFlush(ValueTask<FlushResult> pending)
    {
        try
        {
            return Delivered(await pending.ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false; // the connection is gone
        }
    }
}
