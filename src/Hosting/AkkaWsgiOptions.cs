namespace AkkaWsgi.Hosting;

/// <summary>
/// The server's settings that make sense inside any ASP.NET Core host: the application, its Python, the workers, the
/// limits and the front's features. The akkawsgi command line sets the same, with the same names as its flags.
/// </summary>
public class AkkaWsgiOptions
{
    /// <summary>The application, MODULE or MODULE:CALLABLE (callable defaults to <c>application</c>).</summary>
    public string Module { get; set; } = "";

    /// <summary>Interpreter workers (threads running Python). wsgo's default of 16.</summary>
    public int Workers { get; set; } = 16;

    /// <summary>The Python to embed: an interpreter or a libpython shared library.</summary>
    public string? Python { get; set; }

    /// <summary>A virtualenv whose packages the application uses (else VIRTUAL_ENV).</summary>
    public string? Venv { get; set; }

    /// <summary>Directory to change to before importing the application; it is put first on sys.path.</summary>
    public string? Chdir { get; set; }

    /// <summary>
    /// Lets the application import pythonnet's <c>clr</c> and with it any .NET type in the process. Off by default:
    /// it would give the application the server's own types and state (its actors, its configuration), and code that
    /// can reach .NET can do everything the process can, which Python's own sandboxing does not know of. An application
    /// that needs .NET says so explicitly.
    /// </summary>
    public bool AllowClr { get; set; }

    /// <summary>Log one line per request in the combined log format, with the duration.</summary>
    public bool AccessLog { get; set; }

    /// <summary>
    /// True when the host's Kestrel runs connection work inline on the socket threads
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> and <c>SocketTransportOptions.UnsafePreferInlineScheduling</c>):
    /// finished requests are then handed back on a completion thread of the server's own, so that the end of a
    /// response and its send run there, not on the thread pool. Leave it off with Kestrel's defaults: the pool would
    /// then send every response after a hop to that thread. The akkawsgi executable sets all three.
    /// </summary>
    public bool InlineConnections { get; set; }

    /// <summary>Largest request body accepted; larger ones get 413. Same default as the body spill limit.</summary>
    public long MaxBodySize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Bodies up to this size are held in memory; larger ones are spilled to a temporary file.</summary>
    public int BufferSize { get; set; } = 1024 * 1024;

    /// <summary>Seconds in-flight requests get to finish after SIGTERM or SIGINT.</summary>
    public double GracefulTimeout { get; set; } = 30;

    /// <summary>
    /// Seconds a request may run before akkawsgi.RequestTimeout is raised in it (answered 502 if nothing was sent),
    /// and may wait for a worker before it is answered 503. wsgo's default.
    /// </summary>
    public double RequestTimeout { get; set; } = 60;

    /// <summary>Requests that may wait for a free worker; beyond it the lowest-ranked waiting one gets 503.</summary>
    public int MaxQueue { get; set; } = Actors.Dispatch.DispatcherOptions.DefaultMaxQueue;

    /// <summary>
    /// Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (CIDR or single addresses). The client is the
    /// nearest address in X-Forwarded-For that is not itself a trusted proxy. Default: loopback only.
    /// </summary>
    public IReadOnlyList<string> TrustedProxies { get; set; } = ["127.0.0.0/8", "::1/128"];

    /// <summary>Priority adjustments for known-heavy paths, as PREFIX=WEIGHT (for example /export=-3000).</summary>
    public IReadOnlyList<string> PriorityPrefixes { get; set; } = [];

    /// <summary>
    /// Directories served before the application, as PREFIX=DIR (for example /static=/srv/site/static); the longest
    /// matching prefix wins, and a file it does not have goes to the application. DIR is absolute once bound (a
    /// relative one is taken from the directory the server was started in, before --chdir).
    /// </summary>
    public IReadOnlyList<string> StaticMaps { get; set; } = [];

    /// <summary>Seconds a static file may be cached (<c>Cache-Control: public, max-age</c>). wsgo's default of a day.</summary>
    public int StaticMaxAge { get; set; } = 86400;

    /// <summary>
    /// Longest time in seconds a response the application marked <c>Cache-Control: max-age</c> is kept by the page
    /// cache; 0, the default, turns the cache off: caching
    /// pages is a decision about the application that the operator makes.
    /// </summary>
    public int MaxAge { get; set; }

    /// <summary>Bytes the page cache may hold; the least recently used pages go first. 64 MiB: thousands of
    /// typical pages, a small part of a server's memory.</summary>
    public long CacheSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Requests that may be parked (held for a notification) at once; beyond it the park headers are ignored and the
    /// application's response is sent.
    /// </summary>
    public int MaxParked { get; set; } = 10000;

    /// <summary>Seconds a cron or timer job may run before it is interrupted. wsgo's default.</summary>
    public double BackgroundTimeout { get; set; } = 1800;

    /// <summary>Read cron times in UTC rather than the machine's local time.</summary>
    public bool Utc { get; set; }

    /// <summary>The host's services the application may reach by name (<c>akkawsgi.host_service(name)</c>); none by default.</summary>
    public IDictionary<string, Type> HostServices { get; } = new Dictionary<string, Type>(StringComparer.Ordinal);

    /// <summary>
    /// Lets the Python application call the host's <typeparamref name="TService"/> as <c>akkawsgi.host_service(name)</c>
    /// (through pythonnet). Only services named here are reachable, never the host's whole container.
    /// </summary>
    public AkkaWsgiOptions ExposeService<TService>(string name)
        where TService : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        HostServices[name] = typeof(TService);
        return this;
    }

    /// <summary>What is wrong with these settings, one sentence each naming the setting (and its flag); empty when nothing is.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Module))
        {
            errors.Add("Module (--module) is required: the WSGI application, MODULE or MODULE:CALLABLE");
        }

        void Rule(string? problem, string setting)
        {
            if (problem is not null)
            {
                errors.Add($"{setting} {problem}");
            }
        }

        Rule(OptionRules.Workers(Workers), "Workers (--workers)");
        Rule(OptionRules.NotNegative(MaxBodySize), "MaxBodySize (--max-body-size)");
        Rule(OptionRules.NotNegative(BufferSize), "BufferSize (--buffer-size)");
        Rule(OptionRules.Seconds(RequestTimeout), "RequestTimeout (--request-timeout)");
        Rule(OptionRules.Seconds(GracefulTimeout), "GracefulTimeout (--graceful-timeout)");
        Rule(OptionRules.Seconds(BackgroundTimeout), "BackgroundTimeout (--background-timeout)");
        Rule(OptionRules.MaxQueue(MaxQueue), "MaxQueue (--max-queue)");
        Rule(OptionRules.NotNegative(StaticMaxAge), "StaticMaxAge (--static-max-age)");
        Rule(OptionRules.MaxAge(MaxAge), "MaxAge (--max-age)");
        Rule(OptionRules.CacheSize(CacheSize), "CacheSize (--cache-size)");
        Rule(OptionRules.MaxParked(MaxParked), "MaxParked (--max-parked)");
        foreach (var proxy in TrustedProxies)
        {
            Rule(OptionRules.TrustedProxy(proxy) is { } problem ? $"{proxy}: {problem}" : null, "TrustedProxies (--trusted-proxy)");
        }

        errors.AddRange(OptionRules.StaticMapProblems(StaticMaps).Select(bad => $"StaticMaps (--static-map) {bad.Map}: {bad.Problem}"));

        foreach (var prefix in PriorityPrefixes)
        {
            Rule(OptionRules.PriorityPrefix(prefix) is { } problem ? $"{prefix}: {problem}" : null, "PriorityPrefixes (--priority-prefix)");
        }

        return errors;
    }
}
