using System.Security.Cryptography.X509Certificates;
using System.Text;
using AkkaWsgi.Http.Hosting.Balancing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
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
    /// <param name="certificates">The certificate of each --https-socket, in order.</param>
    /// <param name="tlsDescriptors">Which handed-over descriptors are --https-socket listeners, and which one each is.</param>
    /// <param name="statusPeers">This process's private status socket among the handed-over ones, with several worker processes.</param>
    /// <param name="balance">With several worker processes: the public listeners accept in turn with the others.</param>
    /// <param name="statusListeners">Given the --status-socket listener this process binds itself, if any.</param>
    public static WebApplication Build(ServerOptions options, ILoggerFactory loggerFactory, IReadOnlyList<int>? handedOver,
        IReadOnlyList<X509Certificate2> certificates, IReadOnlyDictionary<int, int> tlsDescriptors, IReadOnlySet<int> statusDescriptors,
        StatusPeers? statusPeers, ConnectionBalance? balance, Action<IServiceCollection> services, ICollection<ListenOptions>? statusListeners = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.GracefulTimeout));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel => Configure(kestrel, options, handedOver, certificates, tlsDescriptors, statusDescriptors, statusPeers,
            statusListeners));
        // With the socket threads running completions inline, Kestrel's continuations run there too, not on the pool.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = options.InlineConnections);
        services(builder.Services);
        if (balance is not null)
        {
            var unbalanced = statusDescriptors.Select(d => (ulong)d).Concat(statusPeers is null ? [] : [(ulong)statusPeers.Descriptor]).ToHashSet();
            builder.Services.RemoveAll<IConnectionListenerFactory>();
            builder.Services.AddSingleton<IConnectionListenerFactory>(provider => new BalancedTransportFactory(
                ActivatorUtilities.CreateInstance<SocketTransportFactory>(provider), balance, unbalanced, TimeProvider.System));
        }

        return builder.Build();
    }

    private static void Configure(KestrelServerOptions kestrel, ServerOptions options, IReadOnlyList<int>? handedOver,
        IReadOnlyList<X509Certificate2> certificates, IReadOnlyDictionary<int, int> tlsDescriptors, IReadOnlySet<int> statusDescriptors,
        StatusPeers? statusPeers, ICollection<ListenOptions>? statusListeners)
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
                if (descriptor == statusPeers?.Descriptor)
                {
                    kestrel.ListenHandle((ulong)descriptor, StatusListener.ConfigurePeer);
                }
                else if (statusDescriptors.Contains(descriptor))
                {
                    kestrel.ListenHandle((ulong)descriptor, StatusListener.Configure);
                }
                else if (tlsDescriptors.TryGetValue(descriptor, out var index))
                {
                    kestrel.ListenHandle((ulong)descriptor, listen => Tls(listen, certificates[index]));
                }
                else
                {
                    kestrel.ListenHandle((ulong)descriptor);
                }
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
            Listen(kestrel, ListenAddress.Parse(socket), _ => { });
        }

        foreach (var (socket, index) in options.HttpsSockets.Select((s, i) => (HttpsSocket.Parse(s), i)))
        {
            Listen(kestrel, ListenAddress.Parse(socket.Address), listen => Tls(listen, certificates[index]));
        }

        if (options.StatusSocket is { } status)
        {
            Listen(kestrel, ListenAddress.Parse(status), listen =>
            {
                StatusListener.Configure(listen);
                statusListeners?.Add(listen);
            });
        }
    }

    private static void Listen(KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions> configure)
    {
        if (address.UnixPath is { } path)
        {
            UnixSocketFile.RemoveStale(path);
            kestrel.ListenUnixSocket(path, configure);
        }
        else if (address.IsLocalhost)
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else
        {
            kestrel.Listen(address.Address!, address.Port, configure);
        }
    }

    // HTTP/1.1 and HTTP/2, as the client's ALPN asks.
    private static void Tls(ListenOptions listen, X509Certificate2 certificate)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(certificate);
    }
}
