using System.Globalization;

namespace AkkaWsgi.Http.Hosting;

/// <summary>Where the connection side's work runs: on the runtime's socket threads rather than its thread pool.</summary>
/// <remarks>
/// By default the runtime hands every socket event to its thread pool, and Kestrel hands its continuations there too.
/// With Python holding one core, the pool's threads go idle between requests, spin and yield before they sleep, and are
/// woken again for the next one: measured, several context switches and about a third of the server's CPU per Flask
/// request. Inline, a request is parsed and queued for Python on the socket thread that read it (the runtime then runs
/// one socket thread per core), and its response is finished and sent on the completion thread
/// (<c>RequestCompletions</c>). What the connection side does there is short and does not wait for long: file I/O
/// (static files, <c>wsgi.file_wrapper</c>, a spilled request body) goes through the runtime's, and Python is only
/// ever awaited (docs/architecture.md lists the few synchronous calls left).
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c> in the environment restores the runtime's default.
/// </remarks>
internal static class SocketThreads
{
    internal const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>How many socket threads the runtime starts; read, like <see cref="Variable"/>, at its first socket.</summary>
    internal const string CountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";

    /// <summary>True when this process set the variable itself (so worker processes are not handed it as the user's).</summary>
    public static bool SetByServer { get; private set; }

    /// <summary>True when this process set <see cref="CountVariable"/> itself, for the same reason.</summary>
    public static bool CountSetByServer { get; private set; }

    /// <summary>True when socket completions run inline: the runtime reads the variable once, at its first socket.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Turns inline completions on unless the environment says otherwise; before any socket is used.</summary>
    public static void PreferInline() =>
        SetByServer = PreferInline(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    /// <summary>
    /// With several worker processes, gives each its share of one socket thread per core instead of one per core each;
    /// unless the environment sets the count, and only with inline completions (the runtime's own default otherwise is
    /// one thread for up to thirty cores). Before any socket is used.
    /// </summary>
    /// <remarks>
    /// Inline, the runtime starts one socket thread per core in every process, so two processes on two cores ran four,
    /// each woken by its own share of the arrivals, and every thread more is one more to wake and to schedule. With one
    /// each, the 10 ms application on two processes of 16 was as fast or faster (0.03–0.05 ms less per request beyond
    /// its wait in every round of one run, the same within the noise in a second), and hello, Flask and Django at full
    /// load stayed within the machine's noise (docs/performance.md). The machine keeps one socket thread per core in
    /// all, so a burst of TLS handshakes finds as many threads as with one process.
    /// </remarks>
    public static void ShareCores(int processes) =>
        CountSetByServer = ShareCores(processes, Environment.ProcessorCount, Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    /// <summary>Sets <see cref="CountVariable"/> to the cores divided among the processes, rounded up; true when it did.</summary>
    internal static bool ShareCores(int processes, int cores, Func<string, string?> read, Action<string, string> write)
    {
        if (processes <= 1 || read(CountVariable) is not null || read(Variable) != "1")
        {
            return false;
        }

        var share = Math.Max(1, (cores + processes - 1) / processes);
        write(CountVariable, share.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>
    /// Takes out of a child's <paramref name="environment"/> the settings this process made itself: they are the
    /// server's choices, not the user's, so the child makes them again and its application does not inherit them.
    /// </summary>
    public static void RemoveServerChoices(IDictionary<string, string?> environment)
    {
        if (SetByServer)
        {
            environment.Remove(Variable);
        }

        if (CountSetByServer)
        {
            environment.Remove(CountVariable);
        }
    }

    /// <summary>Sets the variable to 1 when it is not set; true when it did.</summary>
    internal static bool PreferInline(Func<string, string?> read, Action<string, string> write)
    {
        if (read(Variable) is not null)
        {
            return false;
        }

        write(Variable, "1");
        return true;
    }
}
