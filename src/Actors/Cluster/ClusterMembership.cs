using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>Ask <see cref="ClusterMembership"/> for the lines SIGUSR2 prints about the cluster.</summary>
public sealed record GetClusterReport
{
    public static readonly GetClusterReport Instance = new();
}

/// <summary>The cluster as this node sees it, one line each, for SIGUSR2.</summary>
public sealed record ClusterReport(IReadOnlyList<string> Lines);

/// <summary>
/// Follows the cluster's membership: logs every node joining, leaving, becoming unreachable or being removed once, in
/// words for an operator, and reports the members and the node running cron on request.
/// </summary>
public sealed class ClusterMembership : ReceiveActor
{
    private readonly ILogger logger;
    private readonly ClusterSettings settings;
    private readonly Akka.Cluster.Cluster cluster;
    private readonly HashSet<Member> up = [];
    private readonly HashSet<Member> unreachable = [];

    public ClusterMembership(ClusterSettings settings, ILogger logger)
    {
        this.settings = settings;
        this.logger = logger;
        cluster = Akka.Cluster.Cluster.Get(Context.System);
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (var member in state.Members.Where(m => m.Status == MemberStatus.Up))
            {
                OnUp(member);
            }
        });
        Receive<ClusterEvent.MemberUp>(e => OnUp(e.Member));
        Receive<ClusterEvent.MemberRemoved>(OnRemoved);
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            if (!unreachable.Add(e.Member))
            {
                return;
            }

            // A node that left (a reload's old worker processes) can exit before the others have removed it; they then
            // stop hearing from it, which is how its departure ends, not a failure. A downed one (a worker process
            // that died, downed by its supervisor) is already reported, and marked unreachable so that it is removed.
            if (e.Member.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down)
            {
                ClusterLog.UnreachableAsItLeaves(logger, Node(e.Member), e.Member.Status.ToString());
            }
            else if (settings.OneMachine)
            {
                ClusterLog.UnreachableOnThisMachine(logger, Node(e.Member), ClusterSettings.OneMachineHeartbeatPause.TotalSeconds);
            }
            else
            {
                ClusterLog.Unreachable(logger, Node(e.Member), ClusterSettings.StableAfter.TotalSeconds);
            }
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            if (unreachable.Remove(e.Member))
            {
                ClusterLog.Reachable(logger, Node(e.Member));
            }
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<GetClusterReport>(_ => Sender.Tell(Report()));
    }

    /// <summary>Creates the membership follower's props.</summary>
    public static Props Props(ClusterSettings settings, ILogger logger) =>
        Akka.Actor.Props.Create(() => new ClusterMembership(settings, logger));

    protected override void PreStart()
    {
        if (settings.AnnounceMembers)
        {
            ClusterLog.Joining(logger, string.Join(", ", settings.Seeds), settings.Listen.ToString());
        }

        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    private static string Node(Member member) => $"{member.Address.Host}:{member.Address.Port?.ToString(CultureInfo.InvariantCulture)}";

    private void OnUp(Member member)
    {
        if (!up.Add(member) || !settings.AnnounceMembers)
        {
            return;
        }

        if (member.UniqueAddress.Equals(cluster.SelfUniqueAddress))
        {
            ClusterLog.SelfUp(logger, Node(member), up.Count);
        }
        else
        {
            ClusterLog.Joined(logger, Node(member), up.Count);
        }
    }

    private void OnRemoved(ClusterEvent.MemberRemoved removed)
    {
        var member = removed.Member;
        up.RemoveWhere(m => m.UniqueAddress.Equals(member.UniqueAddress));
        unreachable.RemoveWhere(m => m.UniqueAddress.Equals(member.UniqueAddress));
        if (member.UniqueAddress.Equals(cluster.SelfUniqueAddress))
        {
            if (removed.PreviousStatus == MemberStatus.Down)
            {
                ClusterLog.SelfRemoved(logger);
            }

            return;
        }

        if (removed.PreviousStatus == MemberStatus.Down && settings.OneMachine)
        {
            // Only the supervisor downs a node here, once it has seen its process exit, and it says so itself.
            ClusterLog.RemovedAfterExit(logger, Node(member), up.Count);
        }
        else if (removed.PreviousStatus == MemberStatus.Down)
        {
            ClusterLog.Downed(logger, Node(member), up.Count);
        }
        else if (settings.AnnounceMembers)
        {
            ClusterLog.Left(logger, Node(member), up.Count);
        }
    }

    private ClusterReport Report()
    {
        var state = cluster.State;
        var lines = new List<string>();
        var members = state.Members.OrderBy(m => m, Member.AgeOrdering).ToList();
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"cluster: this node {settings.Listen}, {members.Count(m => m.Status == MemberStatus.Up)} of {members.Count} members up, {state.Unreachable.Count} unreachable"));
        foreach (var member in members)
        {
            var notes = new List<string> { member.Status.ToString().ToLowerInvariant() };
            if (member.UniqueAddress.Equals(cluster.SelfUniqueAddress))
            {
                notes.Add("this node");
            }

            if (state.Unreachable.Contains(member))
            {
                notes.Add("unreachable");
            }

            if (settings.CronOnOldestNode && member == members.FirstOrDefault(m => m.Status == MemberStatus.Up))
            {
                notes.Add("runs cron");
            }

            lines.Add($"  {Node(member)} ({string.Join(", ", notes)})");
        }

        return new ClusterReport(lines);
    }
}
