using Akka.Event;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// Recognises Akka's reports of a peer that is gone, in the cluster that the worker processes of one machine form,
/// where the supervisor saw the process exit and has logged it.
/// </summary>
/// <remarks>
/// A worker process that crashed (a segfault in a C extension, the OOM killer) was logged by its supervisor with the
/// reason, and then by every other process: a failed association (a warning), a disassociated writer (an error with a
/// stack trace), the supervisor's own quarantine of the dead incarnation, and the refused reconnections until the peer
/// was removed. None of it says more than the supervisor's line, and an operator who alerts on errors was paged twice.
/// Between machines nobody sees a process exit, and these records stay as loud as Akka makes them.
/// </remarks>
internal static class SupervisedPeerLoss
{
    private const string Refused = "Tried to associate with unreachable remote address";
    private const string Terminated = "Marking node as TERMINATED";
    private const string Quarantine = "due to quarantine";

    public static bool IsReport(LogEvent log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (PeerDeparture.IsReport(log))
        {
            return true;
        }

        if (log is not Warning || log.Message?.ToString() is not { } message)
        {
            return false;
        }

        return message.StartsWith(Refused, StringComparison.Ordinal) ||
            (message.Contains(Terminated, StringComparison.Ordinal) && message.Contains(Quarantine, StringComparison.Ordinal));
    }
}
