using System.Globalization;

namespace AkkaWsgi.Http.Supervision;

/// <summary>
/// How a supervisor tells a worker process what it is: environment variables naming the inherited listening
/// descriptors and the write end of the control pipe. A process started without them serves on its own.
/// </summary>
internal sealed record WorkerEnvironment(IReadOnlyList<int> ListenDescriptors, int ControlDescriptor, int Slot, int Generation)
{
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
    public static IEnumerable<KeyValuePair<string, string>> Describe(IEnumerable<int> listen, int control, int slot, int generation) =>
    [
        new(ListenVariable, string.Join(',', listen.Select(fd => fd.ToString(CultureInfo.InvariantCulture)))),
        new(ControlVariable, control.ToString(CultureInfo.InvariantCulture)),
        new(WorkerVariable, FormattableString.Invariant($"{slot}.{generation}")),
    ];

    /// <summary>This process's worker environment, or null when it was not started by a supervisor.</summary>
    public static WorkerEnvironment? FromProcess() =>
        Parse(Environment.GetEnvironmentVariable(ListenVariable), Environment.GetEnvironmentVariable(ControlVariable),
            Environment.GetEnvironmentVariable(WorkerVariable));

    public static WorkerEnvironment? Parse(string? listen, string? control, string? worker)
    {
        if (listen is null || !int.TryParse(control, NumberStyles.None, CultureInfo.InvariantCulture, out var controlFd) ||
            worker?.Split('.') is not [var slotText, var generationText] ||
            !int.TryParse(slotText, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) ||
            !int.TryParse(generationText, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
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

        return new WorkerEnvironment(descriptors, controlFd, slot, generation);
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
    }
}
