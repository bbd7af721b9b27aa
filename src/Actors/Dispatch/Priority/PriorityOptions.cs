namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>What <see cref="PriorityQueuePolicy"/> may be told beyond its fixed formula.</summary>
public sealed record PriorityOptions
{
    /// <summary>
    /// The <c>--priority-prefix</c> weights. A request gets the weight of the longest prefix its path starts with;
    /// of two identical prefixes the later one wins, as a flag repeated later on a command line overrides. Empty by
    /// default: no path is favoured unless the operator says so.
    /// </summary>
    public IReadOnlyList<PriorityPrefix> Prefixes { get; init; } = [];

    /// <summary>
    /// How many clients' counts are kept at most. A client is forgotten once it is quiet anyway; the cap is only for a
    /// flood from many (likely spoofed) sources, which would otherwise grow the table without bound. 100,000 entries
    /// are a few megabytes, and far more distinct clients than one server sees within the second their counts last.
    /// </summary>
    public int MaxTrackedClients
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 100_000;
}
