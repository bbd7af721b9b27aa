using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Interpreter;
using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Parking;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Hosting.Server;
using AkkaWsgi.Python.Wsgi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// The connection side of the pipeline: Kestrel calls it per request; it reads the body, turns the request into a
/// message for the dispatcher actor and waits until an interpreter worker has produced the response.
/// </summary>
internal sealed class WsgiEndpoint(IRequiredActor<DispatcherActor> dispatcher, AkkaWsgiOptions options, BlockList blocks, ParkingGate parking,
    RequestCompletions? completions, ILogger logger)
{
    private const string KestrelMovedContentLength = "X-Content-Length";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.TryGetValue(HeaderNames.TransferEncoding, out var codings))
        {
            if (request.Headers.ContainsKey(HeaderNames.ContentLength) || request.Headers.ContainsKey(KestrelMovedContentLength))
            {
                // RFC 9112 6.3: a message with both is a request-smuggling attempt or a broken client, and "ought to be
                // handled as an error". Kestrel lets it through as chunked, moving Content-Length to X-Content-Length.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                CloseAfterResponse(context);
                return;
            }

            if (UnsupportedCoding(codings) is { } coding)
            {
                // Kestrel takes "gzip, chunked" as chunked and would hand the application the still compressed bytes
                // as if they were the body; RFC 9112 6.1 answers a coding the server does not know with 501.
                ServerLog.RequestBodyRefused(logger, request.Method, RequestTarget.Raw(context), StatusCodes.Status501NotImplemented,
                    $"the transfer coding '{coding}' is not supported, only chunked");
                context.Response.StatusCode = StatusCodes.Status501NotImplemented;
                CloseAfterResponse(context);
                return;
            }
        }

        if (HttpMethods.IsConnect(request.Method))
        {
            // No WSGI application can open a tunnel, and the 2xx a catch-all view answers to it must have no
            // Content-Length (RFC 9110 9.3.6): Kestrel then drops the connection and logs an error with a stack.
            ServerLog.ConnectRefused(logger, RequestTarget.Raw(context));
            context.Response.StatusCode = StatusCodes.Status501NotImplemented;
            CloseAfterResponse(context);
            return;
        }

        RequestBody body;
        try
        {
            body = await RequestBodyReader.ReadAsync(context, options.BufferSize, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // A body over --max-body-size (413) or badly framed (400). Left to Kestrel, each was logged as an error
            // of the application, with a stack trace: a log any client could flood.
            ServerLog.RequestBodyRefused(logger, request.Method, request.Path + request.QueryString, e.StatusCode, e.Message);
            context.Response.StatusCode = e.StatusCode;
            CloseAfterResponse(context);
            return;
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // Some framing errors, such as a chunk size that overflows, come as a plain IOException: the body is
            // malformed either way.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            CloseAfterResponse(context);
            return;
        }
        catch (RequestBodySpillException e) when (!context.Response.HasStarted)
        {
            ServerLog.RequestBodySpillFailed(logger, request.Method, request.Path + request.QueryString, e.Message);
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            CloseAfterResponse(context);
            return;
        }

        try
        {
            // Awaited here rather than in a method of its own: one state machine fewer on every request.
            var exchange = new HttpWsgiExchange(context, body, blocks, parking, completions);
            await DispatchAsync(exchange).ConfigureAwait(false);
            ThrowIfIncomplete(exchange);
            await exchange.SendFileLaterAsync(logger).ConfigureAwait(false);
            if (exchange.Parked is not { } parked)
            {
                return;
            }

            // The body stays until here: a retry reads it again.
            var wake = await parking.HoldAsync(parked, context.RequestAborted).ConfigureAwait(false);
            if (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            switch (wake.Action)
            {
                case ParkAction.Retry:
                    var retry = new HttpWsgiExchange(context, body, blocks, parking, completions, wake.Arg);
                    await DispatchAsync(retry).ConfigureAwait(false);
                    ThrowIfIncomplete(retry);
                    await retry.SendFileLaterAsync(logger).ConfigureAwait(false);
                    break;
                case ParkAction.Disconnect:
                    context.Abort();
                    break;
                case ParkAction.Http204:
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                    break;
            }
        }
        finally
        {
            RequestBodyReader.Remove(body);
        }
    }

    private static string? UnsupportedCoding(StringValues codings)
    {
        foreach (var line in codings)
        {
            foreach (var coding in (line ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    return coding;
                }
            }
        }

        return null;
    }

    // The rest of a refused body is not read: HTTP/1.x must close the connection after the response. HTTP/2 ends
    // just the stream, and a Connection header there is removed with a warning for every request.
    private static void CloseAfterResponse(HttpContext context)
    {
        if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>Hands the request to the dispatcher; what it returns completes when a worker has produced the response.</summary>
    private ValueTask DispatchAsync(HttpWsgiExchange exchange)
    {
        dispatcher.ActorRef.Tell(new RequestArrived(exchange));
        return exchange.Completion;
    }

    private static void ThrowIfIncomplete(HttpWsgiExchange exchange)
    {
        if (exchange.IsIncomplete)
        {
            // Kestrel ends an HTTP/1.1 response whose handler failed after it started by closing the connection
            // once what was written has gone out, without the final chunk; HTTP/2 resets the stream. Aborting
            // the connection here instead would throw away bytes not yet sent.
            throw new IncompleteResponseException(exchange.Description);
        }
    }
}
