using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>Recognises Akka's report of a lost connection to a cluster peer that was leaving anyway.</summary>
/// <remarks>
/// A worker process that leaves the cluster and exits can close its connections before the remoting's goodbye reaches
/// a peer, whose remoting then reports the association as failed (a warning, from the connection's supervisor) and
/// its writer as disassociated (an error with a stack trace). Nothing was lost: the peer had left or was leaving, or
/// the reporting node was stopping too. The same records about a peer that is still a member in good standing (a
/// process that crashed, a network fault) are not recognised here, and stay as loud as Akka makes them.
/// </remarks>
internal static partial class PeerDeparture
{
    // Both records come from the connection's actors, whose names carry the peer's address, URL-encoded:
    // .../system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fakkawsgi%40127.0.0.1%3A41637-2[/endpointWriter]
    [GeneratedRegex(@"/reliableEndpointWriter-(?<peer>[^/]+)-\d+(?:/endpointWriter)?$")]
    private static partial Regex EndpointSource();

    private const string Disassociated = "EndpointDisassociatedException";

    /// <summary>
    /// True when <paramref name="log"/> reports that the connection to a peer closed without the remoting's goodbye,
    /// and the peer is not a member in good standing by <paramref name="statusOf"/> (null: not a member at all), or
    /// this node is <paramref name="stopping"/>. Neither question is asked of any other record.
    /// </summary>
    public static bool IsExpected(LogEvent log, Func<Address, MemberStatus?> statusOf, Func<bool> stopping)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(statusOf);
        ArgumentNullException.ThrowIfNull(stopping);
        var match = EndpointSource().Match(log.LogSource ?? "");
        if (!match.Success || !IsDisassociation(log))
        {
            return false;
        }

        if (stopping())
        {
            return true;
        }

        Address peer;
        try
        {
            peer = Address.Parse(Uri.UnescapeDataString(match.Groups["peer"].Value));
        }
        catch (UriFormatException)
        {
            return false;
        }

        return statusOf(peer) is null or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed;
    }

    /// <summary>
    /// True when <paramref name="log"/> reports that the connection to a peer closed without the remoting's goodbye,
    /// whoever the peer is.
    /// </summary>
    public static bool IsReport(LogEvent log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return EndpointSource().IsMatch(log.LogSource ?? "") && IsDisassociation(log);
    }

    // The writer's error carries the exception; the supervisor's warning names it in its message.
    private static bool IsDisassociation(LogEvent log) =>
        log.Cause?.GetType().Name == Disassociated ||
        (log.Cause is null && log.Message?.ToString()?.Contains(Disassociated, StringComparison.Ordinal) == true);
}
