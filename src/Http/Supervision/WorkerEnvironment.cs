using System.Globalization;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// How a supervisor tells a worker process what it is: environment variables naming the inherited listening
/// descriptors and the write end of the control pipe, and, with several worker processes, the loopback cluster they
/// form. A process started without them serves on its own.
/// </summary>
internal sealed record WorkerEnvironment(IReadOnlyList<int> ListenDescriptors, int ControlDescriptor, int Slot, int Generation)
{
    /// <summary>"FD:INDEX,...": which listening descriptors are --https-socket listeners, and which one each is.</summary>
    public const string TlsVariable = "AKKAWSGI_TLS_FDS";

    /// <summary>"FD,...": the listening descriptors that serve --status-socket.</summary>
    public const string StatusVariable = "AKKAWSGI_STATUS_FDS";

    /// <summary>"FD SLOT COUNT DIRECTORY": this worker's private status socket and where its peers' are (<see cref="StatusPeers"/>).</summary>
    public const string StatusPeersVariable = "AKKAWSGI_STATUS_PEERS";

    /// <summary>"PORT SEED-PORT..." on 127.0.0.1: this worker's cluster endpoint and the workers it joins.</summary>
    public const string ClusterVariable = "AKKAWSGI_CLUSTER";

    public const string ListenVariable = "AKKAWSGI_LISTEN_FDS";
    public const string ControlVariable = "AKKAWSGI_CONTROL_FD";
    public const string WorkerVariable = "AKKAWSGI_WORKER";

    /// <summary>The worker tells the supervisor it accepts connections.</summary>
    public const string ReadyLine = "ready";

    /// <summary>The worker asks to be replaced; the reason follows after a space.</summary>
    public const string RetireLine = "retire";

    /// <summary>The supervisor makes the worker the one that runs cron and timer jobs.</summary>
    public const string LeadLine = "lead";

    /// <summary>The variables for one worker.</summary>
    /// <param name="serial">How many worker processes the supervisor has started, this one included.</param>
    public static IEnumerable<KeyValuePair<string, string>> Describe(IEnumerable<int> listen, int control, int slot, int generation, int serial = 1) =>
    [
        new(ListenVariable, string.Join(',', listen.Select(fd => fd.ToString(CultureInfo.InvariantCulture)))),
        new(ControlVariable, control.ToString(CultureInfo.InvariantCulture)),
        new(WorkerVariable, FormattableString.Invariant($"{slot}.{generation}.{serial}")),
    ];

    /// <summary>How many worker processes the supervisor had started when it started this one (this one included).</summary>
    public int Serial { get; init; } = 1;

    /// <summary>This process's worker environment, or null when it was not started by a supervisor.</summary>
    public static WorkerEnvironment? FromProcess() =>
        Parse(Environment.GetEnvironmentVariable(ListenVariable), Environment.GetEnvironmentVariable(ControlVariable),
            Environment.GetEnvironmentVariable(WorkerVariable)) is { } worker
            ? worker with
            {
                Cluster = ParseCluster(Environment.GetEnvironmentVariable(ClusterVariable)),
                TlsDescriptors = ParseTls(Environment.GetEnvironmentVariable(TlsVariable)),
                StatusDescriptors = (Environment.GetEnvironmentVariable(StatusVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(fd => int.TryParse(fd, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : -1).Where(d => d >= 0).ToHashSet(),
                StatusPeers = StatusPeers.Parse(Environment.GetEnvironmentVariable(StatusPeersVariable)),
                Connections = Hosting.Balancing.ConnectionTable.Parse(Environment.GetEnvironmentVariable(Hosting.Balancing.ConnectionTable.Variable)),
            }
            : null;

    /// <summary>The handed-over descriptors that serve --status-socket.</summary>
    public IReadOnlySet<int> StatusDescriptors { get; init; } = new HashSet<int>();

    /// <summary>The table of connections the worker processes share, when there are several (entries, file).</summary>
    public (int Entries, string Path)? Connections { get; init; }

    /// <summary>This worker's private status socket and its peers', when --status-socket serves several worker processes.</summary>
    public StatusPeers? StatusPeers { get; init; }

    /// <summary>The handed-over descriptors that are TLS listeners, each with its --https-socket index.</summary>
    public IReadOnlyDictionary<int, int> TlsDescriptors { get; init; } = new Dictionary<int, int>();

    /// <summary>The value of <see cref="TlsVariable"/>.</summary>
    public static string DescribeTls(IReadOnlyDictionary<int, int> tls) =>
        string.Join(',', tls.Select(t => FormattableString.Invariant($"{t.Key}:{t.Value}")));

    public static Dictionary<int, int> ParseTls(string? value)
    {
        var tls = new Dictionary<int, int>();
        foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Split(':') is [var fd, var index] &&
                int.TryParse(fd, NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor) &&
                int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                tls[descriptor] = i;
            }
        }

        return tls;
    }

    /// <summary>The loopback cluster of the worker processes, when there are several.</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>The value of <see cref="ClusterVariable"/> for a worker listening on <paramref name="port"/>.</summary>
    public static string DescribeCluster(int port, IEnumerable<int> seeds) =>
        string.Join(' ', seeds.Prepend(port).Select(p => p.ToString(CultureInfo.InvariantCulture)));

    public static ClusterSettings? ParseCluster(string? value)
    {
        var ports = new List<int>();
        foreach (var part in (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return null;
            }

            ports.Add(port);
        }

        return ports.Count == 0 ? null : ClusterSettings.ForOneMachine(ports[0], ports.Skip(1).DefaultIfEmpty(ports[0]));
    }

    public static WorkerEnvironment? Parse(string? listen, string? control, string? worker)
    {
        if (listen is null || !int.TryParse(control, NumberStyles.None, CultureInfo.InvariantCulture, out var controlFd) ||
            worker?.Split('.') is not { Length: 2 or 3 } parts ||
            !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var slot) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return null;
        }

        var descriptors = new List<int>();
        foreach (var part in listen.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
            {
                return null;
            }

            descriptors.Add(fd);
        }

        var serial = parts is [_, _, var serialText] && int.TryParse(serialText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
        return new WorkerEnvironment(descriptors, controlFd, slot, generation) { Serial = serial };
    }

    /// <summary>
    /// Removes the variables (from the native environment too, which Python's os.environ is made from), so that the
    /// application does not see them and processes it starts do not take themselves for workers.
    /// </summary>
    public static void Forget()
    {
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(ListenVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(ControlVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(WorkerVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(ClusterVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(TlsVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(StatusVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(StatusPeersVariable);
        AkkaWsgi.Python.Native.Posix.RemoveEnvironmentVariable(Hosting.Balancing.ConnectionTable.Variable);
    }
}
