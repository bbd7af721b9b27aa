using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace AkkaWsgi.Http.Hosting.Balancing;

/// <summary>
/// A listening socket shared with the other worker processes, accepted from only while this process holds no more
/// connections than the least loaded other one: the others take what arrives meanwhile.
/// </summary>
/// <remarks>
/// A connection left waiting in the socket's queue for <see cref="Patience"/> is taken anyway, so that a process that
/// stopped accepting without being seen to (frozen, or killed a moment ago) never leaves clients waiting longer.
/// </remarks>
internal sealed class BalancedListener(IConnectionListener inner, ConnectionBalance balance, TimeProvider time) : IConnectionListener
{
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(1);

    private readonly Socket? pending = inner.EndPoint is FileHandleEndPoint handle
        ? new Socket(new SafeSocketHandle(checked((IntPtr)(long)handle.FileHandle), ownsHandle: false))
        : null;

    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        long? waitingSince = null;
        while (!balance.MayAccept())
        {
            if (pending?.Poll(0, SelectMode.SelectRead) == true)
            {
                waitingSince ??= time.GetTimestamp();
                if (time.GetElapsedTime(waitingSince.Value) >= Patience)
                {
                    break;
                }
            }
            else
            {
                waitingSince = null;
            }

            try
            {
                await Task.Delay(Recheck, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null; // the listener is being unbound
            }
        }

        var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
        if (connection is not null)
        {
            // Counted here, not when the connection's pipeline starts: a burst of connections is accepted faster than
            // that, and the others must see each one at once.
            balance.Opened();
            connection.ConnectionClosed.Register(static state => ((ConnectionBalance)state!).Closed(), balance);
        }

        return connection;
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        balance.StopAccepting();
        return inner.UnbindAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        pending?.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
    }
}
