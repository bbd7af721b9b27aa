using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Remote;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Actors.Supervision;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// The cluster that several worker processes on one machine form on loopback, with no flag: the supervisor is its
/// first member and every worker joins through it, so parking notifications and blocks reach every process.
/// </summary>
/// <remarks>
/// Whether a process of this machine is alive is known for certain, so no node is removed on the failure detector's
/// suspicion: a worker process that stops (a reload, a recycle, the server's stop) leaves the cluster on its way out;
/// one that dies is removed by the supervisor that saw it exit; workers stop when the supervisor's pipe closes.
/// Ports are picked free at each start, since a reload runs the old and new process of a slot side by side.
/// </remarks>
internal sealed class LoopbackCluster
{
    private readonly ConcurrentDictionary<WorkerId, int> ports = new();

    private LoopbackCluster(ClusterSettings supervisor) => Supervisor = supervisor;

    /// <summary>The supervisor's own node.</summary>
    public ClusterSettings Supervisor { get; }

    /// <summary>Set once the supervisor's actor system runs; until then exits are left to the failure detector.</summary>
    public ActorSystem? System { get; set; }

    public static LoopbackCluster Create()
    {
        var port = FreePort();
        return new LoopbackCluster(ClusterSettings.ForOneMachine(port, [port]));
    }

    /// <summary>Picks <paramref name="worker"/>'s port and describes its place in the cluster for its environment.</summary>
    public string Describe(WorkerId worker)
    {
        var port = FreePort();
        ports[worker] = port;
        return WorkerEnvironment.DescribeCluster(port, [Supervisor.Listen.Port]);
    }

    /// <summary>
    /// <paramref name="worker"/>'s process has exited: removes it from the cluster now, unless it left on its way out.
    /// </summary>
    public void Gone(WorkerId worker)
    {
        if (!ports.TryRemove(worker, out var port) || System is not { } system)
        {
            return;
        }

        var cluster = Akka.Cluster.Cluster.Get(system);
        var address = new Address("akka.tcp", ClusterSettings.SystemName, "127.0.0.1", port);
        // A worker that stopped gracefully left the cluster first, and the leader removes it once it is gone. Downing
        // it would turn that exit into a failure which every other node then detects and reports as one.
        if (cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address)) is { } member && !LeftOrDowned(member.Status))
        {
            cluster.Down(address);
            // The leader removes a downed member only once it is unreachable, which the failure detector would decide
            // after its long pause, while every node kept calling the dead port and logging each refusal. The process
            // is known to be gone: quarantining its incarnation marks it so at once, and it is removed in a second.
            if (((ExtendedActorSystem)system).Provider is IRemoteActorRefProvider remote)
            {
                remote.Quarantine(address, member.UniqueAddress.Uid);
            }
        }
    }

    private static bool LeftOrDowned(MemberStatus status) =>
        status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Removed or MemberStatus.Down;

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
