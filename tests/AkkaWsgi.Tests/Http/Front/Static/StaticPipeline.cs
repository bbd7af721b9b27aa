using AkkaWsgi.Hosting.Front.Static;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Tests.Http.Front.Static;

/// <summary>
/// The static maps in front of a stand-in application, in process: requests are HttpContexts carrying the raw target
/// as Kestrel would, and the application answers 299 so that falling through is plain to see.
/// </summary>
internal sealed class StaticPipeline : IAsyncDisposable
{
    public const int AppStatus = 299;

    private readonly WebApplication web;
    private readonly RequestDelegate pipeline;
    private int appCalls;

    public StaticPipeline(IReadOnlyList<StaticMapping> mappings, int maxAge = 86400)
    {
        web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] }).Build();
        web.UseStaticMaps(mappings, maxAge);
        web.Run(context =>
        {
            Interlocked.Increment(ref appCalls);
            context.Response.StatusCode = AppStatus;
            return Task.CompletedTask;
        });
        pipeline = ((IApplicationBuilder)web).Build();
    }

    public int AppCalls => Volatile.Read(ref appCalls);

    /// <summary>Sends a request; <paramref name="normalisedPath"/> is Kestrel's Request.Path, when it differs from the target.</summary>
    public async Task<HttpContext> SendAsync(string target, string method = "GET", string? acceptEncoding = null, string? normalisedPath = null)
    {
        var context = new DefaultHttpContext { RequestServices = web.Services };
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        context.Request.Method = method;
        context.Request.Path = new PathString(normalisedPath ?? target.Split('?')[0]);
        if (acceptEncoding is not null)
        {
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        context.Response.Body = new MemoryStream();
        await pipeline(context);
        return context;
    }

    public static string BodyOf(HttpContext context) =>
        System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    public ValueTask DisposeAsync() => web.DisposeAsync();
}
