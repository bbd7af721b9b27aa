using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace AkkaWsgi.Http.Hosting.Balancing;

/// <summary>
/// Kestrel's socket transport, with the public listeners it binds wrapped in <see cref="BalancedListener"/>; the
/// status listeners are left alone (any process answers status for all).
/// </summary>
internal sealed class BalancedTransportFactory(SocketTransportFactory sockets, ConnectionBalance balance, IReadOnlySet<ulong> unbalanced, TimeProvider time)
    : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var listener = await sockets.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return endpoint is FileHandleEndPoint handle && !unbalanced.Contains(handle.FileHandle)
            ? new BalancedListener(listener, balance, time)
            : listener;
    }

    public bool CanBind(EndPoint endpoint) => sockets.CanBind(endpoint);
}
