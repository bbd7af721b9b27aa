using Akka.Event;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// Keeps a cluster peer's expected departure (<see cref="PeerDeparture"/>) out of the records Akka prints itself, on
/// standard output and in its own format, while the server's logger is not running: as the actor system stops.
/// </summary>
/// <remarks>
/// <see cref="ServerAkkaLogger"/> demotes these records while it runs; once it has stopped, the last of them (the
/// node stopping while a peer's connection closes) came out as plain text in the middle of the server's log, which
/// with <c>--log-format json</c> made lines that are not JSON. Akka only prints records itself before its loggers start
/// or after they stop, so the node counts as stopping here.
/// </remarks>
internal sealed class PeerDepartureLogFilter : LogFilterBase
{
    public override LogFilterType FilterType => LogFilterType.Content;

    public override LogFilterDecision ShouldKeepMessage(LogEvent content, string? expandedMessage = null) =>
        PeerDeparture.IsExpected(content, static _ => null, static () => true) ? LogFilterDecision.Drop : LogFilterDecision.Keep;
}
