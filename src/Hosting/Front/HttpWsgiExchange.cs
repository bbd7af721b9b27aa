using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Interpreter;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Hosting.Front.Parking;
using AkkaWsgi.Python.Wsgi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// One HTTP request as the dispatcher and the WSGI bridge see it. The Kestrel handler waits on
/// <see cref="Completion"/> and touches the context no more until then; meanwhile one interpreter worker at a time
/// drives the response.
/// </summary>
/// <remarks>
/// A retry of a parked request is a new exchange over the same context and body, carrying the notification's
/// argument in <paramref name="retryArg"/>; it cannot park again.
/// </remarks>
internal sealed partial class HttpWsgiExchange(HttpContext context, RequestBody body, BlockList blocks, ParkingGate parking,
    RequestCompletions? completions, string? retryArg = null) : IWsgiExchange, IRequestJob, IValueTaskSource, IThreadPoolWorkItem
{
    // The exchange is its own completion source, one object fewer per request than a TaskCompletionSource and its
    // Task. Continuations never run on the completing thread while it has other work (an interpreter worker, or the
    // dispatcher): the result is set by RequestCompletions (its thread, or the worker's once it is out of work), where
    // the connection's continuation then runs inline, or, without one, set here with the continuation queued to the
    // thread pool.
    private ManualResetValueTaskSourceCore<bool> completion = new() { RunContinuationsAsynchronously = completions is null };
    private int completed;

    /// <summary>Completes when the response is ready for the connection to finish; to be awaited once.</summary>
    public ValueTask Completion => new(this, completion.Version);

    public IWsgiExchange Exchange => this;

    public RequestBody Body => body;

    public IWsgiResponse Response => this;

    // Read and split once: the priority queue uses the path, the environ the path, the query and the raw target.
    private readonly (RequestInfo Info, string Raw, string Path, string Query) target = ReadTarget(context);

    public string Description => $"{context.Request.Method} {target.Raw}";

    public bool IsAbandoned => context.RequestAborted.IsCancellationRequested;

    public RequestInfo Info => target.Info;

    public void Complete()
    {
        // The dispatcher and a worker may both end a request (a client that left, a timeout): the first one counts.
        if (Interlocked.Exchange(ref completed, 1) == 0)
        {
            if (completions is null)
            {
                completion.SetResult(true);
            }
            else
            {
                completions.Post(this);
            }
        }
    }

    void IThreadPoolWorkItem.Execute() => completion.SetResult(true);

    void IValueTaskSource.GetResult(short token) => completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        completion.OnCompleted(continuation, state, token, flags);

    public void Reject(int statusCode, TimeSpan? retryAfter)
    {
        // Called by the dispatcher while the request waits, before any worker touched the response.
        context.Response.StatusCode = statusCode;
        if (retryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        Complete();
    }

    private static (RequestInfo Info, string Raw, string Path, string Query) ReadTarget(HttpContext context)
    {
        var raw = RequestTarget.Raw(context);
        RequestTarget.Split(raw, out var path, out var query);
        path = RequestTarget.WithoutMount(path, context.Request.PathBase);
        var client = context.Connection.RemoteIpAddress;
        var info = new RequestInfo(
            client is { IsIPv4MappedToIPv6: true } ? client.MapToIPv4() : client,
            path,
            raw.Contains('?', StringComparison.Ordinal),
            context.Request.Headers.UserAgent.Count > 0 ? context.Request.Headers.UserAgent.ToString() : null);
        return (info, raw, path, query);
    }

    public void WriteEnviron(EnvironWriter environ)
    {
        var request = context.Request;
        var connection = context.Connection;

        environ.Set(EnvironKey.RequestMethod, request.Method);
        if (request.PathBase.HasValue)
        {
            // Mounted under a prefix (MapWsgi): the prefix is the application's SCRIPT_NAME, the rest its PATH_INFO.
            environ.Set(EnvironKey.ScriptName, request.PathBase.Value!);
        }

        SetPathInfo(environ, target.Path);
        environ.Set(EnvironKey.QueryString, target.Query);
        environ.Set(EnvironKey.RequestUri, target.Raw);
        environ.Set(EnvironKey.ServerProtocol, request.Protocol);
        environ.Set(EnvironKey.UrlScheme, request.Scheme);

        var (serverName, serverPort) = ServerNameAndPort(request, connection);
        environ.Set(EnvironKey.ServerName, serverName);
        environ.Set(EnvironKey.ServerPort, serverPort);
        if (Info.Client is { } remote)
        {
            environ.Set(EnvironKey.RemoteAddr, ClientText(remote));
            environ.Set(EnvironKey.RemotePort, connection.RemotePort.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            // A unix socket's peer, without a proxy's X-Forwarded-For: CGI requires the variable (RFC 3875 4.1.8),
            // and code that reads environ["REMOTE_ADDR"] would fail on every request.
            environ.Set(EnvironKey.RemoteAddr, "");
        }

        // The body was read whole, so its length is known even when it came chunked; applications (Django among
        // them) read CONTENT_LENGTH bytes, so it is always given, and the now meaningless Transfer-Encoding is not.
        var length = body switch
        {
            RequestBody.InMemory memory => memory.Data.Length,
            RequestBody.InFile file => file.Length,
            _ => 0,
        };
        if (length > 0 || request.ContentLength is not null)
        {
            environ.Set(EnvironKey.ContentLength, length.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (name, values) in request.Headers)
        {
            // A client's own park argument is dropped: the application must be able to trust that it came from
            // akkawsgi.notify_parked.
            if (name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) ||
                name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase) ||
                ParkDirective.IsArgHeader(name))
            {
                continue;
            }

            // Repeated headers are joined as RFC 9110 5.3 allows; cookies with "; " (RFC 6265 5.4).
            var value = values.Count == 1
                ? values[0] ?? ""
                : string.Join(name.Equals(HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase) ? "; " : ", ", values.ToArray());
            environ.AddHeader(name, value);
        }

        if (retryArg is not null)
        {
            // Both spellings, so applications written for wsgo find it under the name they know.
            environ.AddHeader(ParkDirective.ArgHeaderName, retryArg);
            environ.AddHeader(ParkDirective.ArgAliasName, retryArg);
        }
    }

    private static void SetPathInfo(EnvironWriter environ, string path)
    {
        var max = RequestTarget.MaxDecodedLength(path);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[1024] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = RequestTarget.Decode(path, buffer);
            environ.Set(EnvironKey.PathInfo, buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // The environ is written on interpreter threads, and the client's address and the Host header mostly repeat
    // from one request to the next: each thread keeps the last ones it formatted rather than formatting them again.
    [ThreadStatic]
    private static IPAddress? lastClient;

    [ThreadStatic]
    private static string? lastClientText;

    [ThreadStatic]
    private static string? lastHost;

    [ThreadStatic]
    private static bool lastHostHttps;

    [ThreadStatic]
    private static (string Name, string Port) lastHostParts;

    private static string ClientText(IPAddress client)
    {
        if (lastClientText is null || !client.Equals(lastClient))
        {
            (lastClient, lastClientText) = (client, client.ToString());
        }

        return lastClientText;
    }

    /// <summary>SERVER_NAME and SERVER_PORT from the Host header (what URLs back to this site use), else the socket.</summary>
    /// <remarks>
    /// An IPv6 address keeps its brackets (RFC 3875's server-name): code that rebuilds a URL from SERVER_NAME and
    /// SERVER_PORT, as wsgiref and Django do when there is no Host, would otherwise write <c>http://::1:8000/</c>.
    /// </remarks>
    private static (string Name, string Port) ServerNameAndPort(HttpRequest request, ConnectionInfo connection)
    {
        // The header as sent: Request.Host turns an IDN's punycode into Unicode, which is not what the client asked
        // for, and which environ, being latin-1, cannot hold.
        var sent = RequestTarget.Host(request);
        if (sent.Length > 0)
        {
            if (sent != lastHost || request.IsHttps != lastHostHttps)
            {
                var host = new HostString(sent);
                var port = host.Port ?? (request.IsHttps ? 443 : 80);
                (lastHost, lastHostHttps) = (sent, request.IsHttps);
                lastHostParts = (host.Host, port.ToString(CultureInfo.InvariantCulture));
            }

            return lastHostParts;
        }

        var local = connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : connection.LocalIpAddress;
        var name = local switch
        {
            null => "localhost",
            { AddressFamily: AddressFamily.InterNetworkV6 } => "[" + local + "]",
            _ => local.ToString(),
        };
        return (name, connection.LocalPort.ToString(CultureInfo.InvariantCulture));
    }
}
