// The floor under a hello-world request: Kestrel configured as akkawsgi configures it (socket completions and
// Kestrel's continuations inline on the socket threads, no Server header, latin-1 headers), answering the 13 bytes
// of examples/hello.py from a request delegate, with no Python, no dispatcher and no hand-off between threads.
// It takes akkawsgi's command line so that bench/compare.py and bench/threads.py can run it as a build; it reads
// --http-socket and ignores the rest.
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Read by the runtime at its first socket, as the server does (src/Http/Hosting/SocketThreads.cs).
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var socket = args.SkipWhile(a => a != "--http-socket").Skip(1).FirstOrDefault() ?? "127.0.0.1:8000";
var endpoint = IPEndPoint.Parse(socket);
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
    kestrel.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;
    kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
});

var app = builder.Build();
var body = "Hello, world!"u8.ToArray();
app.Run(context =>
{
    context.Response.ContentType = "text/plain";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
Console.WriteLine($"kestrel-floor on http://{endpoint}");
app.Run();
