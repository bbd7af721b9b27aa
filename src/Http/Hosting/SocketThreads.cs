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

    /// <summary>True when this process set the variable itself (so worker processes are not handed it as the user's).</summary>
    public static bool SetByServer { get; private set; }

    /// <summary>True when socket completions run inline: the runtime reads the variable once, at its first socket.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Turns inline completions on unless the environment says otherwise; before any socket is used.</summary>
    public static void PreferInline() =>
        SetByServer = PreferInline(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

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
