using AkkaWsgi.Actors.Parking;

namespace AkkaWsgi.Actors.Cluster;

/// <summary>
/// A park notification on its way to every node's parking lot, the sender's own included (distinct from the local
/// <see cref="Notify"/>, which the parking lot turns into one of these when it is part of a cluster).
/// </summary>
public sealed record ParkBroadcast(IReadOnlyList<string> Channels, ParkAction Action, string Arg)
{
    /// <summary>The pub-sub topic every parking lot of the cluster subscribes to.</summary>
    public const string Topic = "akkawsgi-park";
}
