using Microsoft.AspNetCore.Http.Features;

namespace AkkaWsgi.Hosting.Front.Cache;

/// <summary>The lifetime of a background refresh: there is no client to leave, but the response may still be abandoned.</summary>
internal sealed class RefreshLifetimeFeature : IHttpRequestLifetimeFeature
{
    private int aborted;

    public CancellationToken RequestAborted { get; set; }

    /// <summary>True once the pipeline gave the response up (an application failure); it must then not be stored.</summary>
    public bool IsAborted => Volatile.Read(ref aborted) == 1;

    public void Abort() => Volatile.Write(ref aborted, 1);
}
