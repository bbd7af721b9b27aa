using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Http.Hosting;

/// <summary>Kestrel, configured from the command line: listeners, limits and header encodings.</summary>
internal static class KestrelSetup
{
    /// <param name="handedOver">Listening descriptors a supervisor bound for this worker process; null to bind our own.</param>
    /// <param name="services">Adds the server's own services (its actor system).</param>
    public static WebApplication Build(ServerOptions options, ILoggerFactory loggerFactory, IReadOnlyList<int>? handedOver,
        Action<IServiceCollection> services)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.GracefulTimeout));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel => Configure(kestrel, options, handedOver));
        services(builder.Services);
        return builder.Build();
    }

    private static void Configure(KestrelServerOptions kestrel, ServerOptions options, IReadOnlyList<int>? handedOver)
    {
        kestrel.AddServerHeader = false;
        // WSGI presents header bytes as latin-1 characters (PEP 3333 "Unicode Issues"), both ways; Kestrel would
        // otherwise reject non-ASCII bytes in request headers and response header values.
        kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
        kestrel.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;

        var limits = kestrel.Limits;
        limits.MaxRequestBodySize = options.MaxBodySize;
        limits.MaxRequestHeadersTotalSize = options.MaxHeaderSize;
        limits.MaxRequestLineSize = Math.Min(limits.MaxRequestLineSize, options.MaxHeaderSize);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.HeaderTimeout);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeout);
        var grace = TimeSpan.FromSeconds(5);
        limits.MinRequestBodyDataRate = options.MinDataRate > 0 ? new MinDataRate(options.MinDataRate, grace) : null;
        limits.MinResponseDataRate = options.MinDataRate > 0 ? new MinDataRate(options.MinDataRate, grace) : null;

        if (handedOver is not null)
        {
            foreach (var descriptor in handedOver)
            {
                kestrel.ListenHandle((ulong)descriptor);
            }

            return;
        }

        var inherited = InheritedSockets.Find();
        foreach (var handle in inherited)
        {
            kestrel.ListenHandle(handle);
        }

        foreach (var socket in InheritedSockets.AddressesToBind(options, inherited.Count))
        {
            var address = ListenAddress.Parse(socket);
            if (address.UnixPath is { } path)
            {
                UnixSocketFile.RemoveStale(path);
                kestrel.ListenUnixSocket(path);
            }
            else if (address.IsLocalhost)
            {
                kestrel.ListenLocalhost(address.Port);
            }
            else
            {
                kestrel.Listen(address.Address!, address.Port);
            }
        }
    }
}
