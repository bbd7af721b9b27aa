namespace AkkaWsgi.Actors.Dispatch;

/// <summary>
/// Decides which of the requests turned away for a full queue are logged: the first of an overload in full, then how
/// many more at most once per <see cref="Interval"/>.
/// </summary>
/// <remarks>
/// A line per request made an overload worse: with 256 clients against a queue of 128, the server answered some
/// forty thousand 503s a second, each with a warning written to standard error by the thread that received it.
/// </remarks>
internal sealed class ShedReport(TimeProvider time)
{
    /// <summary>How often a continuing overload is summed up in the log.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long lastReport;
    private bool everReported;

    // Requests turned away since the last line about them.
    private long unreported;

    /// <summary>Whether every request turned away has been logged, in full or in a count.</summary>
    public bool AllReported => unreported == 0;

    /// <summary>Counts one request turned away; true when it is to be logged in full (the first of an overload).</summary>
    public bool Shed()
    {
        var now = time.GetTimestamp();
        if (unreported == 0 && (!everReported || time.GetElapsedTime(lastReport, now) >= Interval))
        {
            (lastReport, everReported) = (now, true);
            return true;
        }

        unreported++;
        return false;
    }

    /// <summary>
    /// Called now and then: how many requests were turned away without a line, and over how long, when that is to be
    /// logged now; null otherwise. Counting starts again from there.
    /// </summary>
    /// <param name="final">The server is stopping: whatever has not been logged is due now.</param>
    public (long Count, TimeSpan Over)? Due(bool final = false)
    {
        var now = time.GetTimestamp();
        var since = time.GetElapsedTime(lastReport, now);
        if (unreported == 0 || (since < Interval && !final))
        {
            return null;
        }

        var count = unreported;
        (unreported, lastReport) = (0, now);
        return (count, since);
    }
}
