using Akka.Event;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>Recognises the remoting's complaint, as it stops, that a closing connection had already left its group.</summary>
/// <remarks>
/// Stopping the transport closes every connection of its group and empties the group; a connection that reports itself
/// closed after that finds nothing to remove itself from, and the transport warns that it "may not shut down cleanly"
/// although it already has. Seen, now and then, as worker processes of a cluster stop: a warning an operator cannot act
/// on. While the node is not stopping the same warning would mean a connection the transport lost track of, and stays.
/// </remarks>
internal static class ConnectionGroupRemoval
{
    private const string Removal = "Unable to REMOVE channel";

    public static bool IsExpected(LogEvent log, Func<bool> stopping)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(stopping);
        return log is Warning && log.Message?.ToString()?.StartsWith(Removal, StringComparison.Ordinal) == true && stopping();
    }
}
