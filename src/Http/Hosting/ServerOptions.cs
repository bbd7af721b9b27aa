namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Everything the command line configures: the in-process settings, plus listeners, processes, privileges, logging and
/// the cluster. Defaults follow wsgo where it has the flag.
/// </summary>
public sealed class ServerOptions : AkkaWsgi.Hosting.AkkaWsgiOptions
{
    /// <summary>Where to listen: HOST:PORT, [IPV6]:PORT, :PORT (all IPv4 interfaces) or unix:/path. wsgo's default.</summary>
    public IReadOnlyList<string> HttpSockets { get; set; } = [":8000"];

    /// <summary>
    /// Worker processes the supervisor keeps serving the shared listeners (0 on the command line: one per core).
    /// One by default: a process runs Python on one core at a time, so more pay off once the application's own
    /// work, not the server, is what saturates a core.
    /// </summary>
    public int Processes { get; set; } = 1;

    /// <summary>File to write the server's process id to (the supervisor's, or this process's with --no-supervisor), for
    /// init scripts that signal it; removed at exit.</summary>
    public string? PidFile { get; set; }

    /// <summary>Serve from this very process, without a supervisor (for platforms that supervise and restart it themselves).</summary>
    public bool NoSupervisor { get; set; }

    /// <summary>
    /// Where worker processes get Python's code: <c>executable</c> (they start as the Python executable, which runs the
    /// server: see <see cref="AkkaWsgi.Python.PythonExecutableHost"/>), <c>library</c> (they load its libpython), or
    /// <c>auto</c>: the executable when it can host the server, else the library. Without the supervisor the process
    /// itself becomes the executable (exec, the same process id).
    /// </summary>
    public string PythonFrom { get; set; } = "auto";

    /// <summary>User (name or id) the worker processes run as; the supervisor binds the listeners first, as root.</summary>
    public string? Uid { get; set; }

    /// <summary>Group (name or id) the worker processes run as [default: the user's own group].</summary>
    public string? Gid { get; set; }

    /// <summary>Requests a worker process serves before it is replaced (a new one ready first); 0 means never.</summary>
    public long MaxRequests { get; set; }

    /// <summary>
    /// Random extra requests, up to this many, added to <see cref="MaxRequests"/> per worker so that workers started
    /// together are not all replaced at the same moment; null means a tenth of <see cref="MaxRequests"/>.
    /// </summary>
    public long? MaxRequestsJitter { get; set; }

    /// <summary>Resident memory in MiB past which a worker process is replaced (a new one ready first); 0 means never.</summary>
    public long MaxRss { get; set; }

    /// <summary>Minimum level of log records: trace, debug, information, warning, error or critical.</summary>
    public string LogLevel { get; set; } = "information";

    /// <summary>
    /// Seconds a client has to send the request headers (slow-loris defence). wsgo uses 2 s; Kestrel checks once a
    /// second, so 5 s leaves slow mobile links room while still freeing the connection quickly.
    /// </summary>
    public double HeaderTimeout { get; set; } = 5;

    /// <summary>Seconds an idle keep-alive connection is kept open (nginx's keepalive_timeout default of 75 s).</summary>
    public double KeepAliveTimeout { get; set; } = 75;

    /// <summary>Largest total size of the request line and headers; more gets 431. Kestrel's default.</summary>
    public int MaxHeaderSize { get; set; } = 32 * 1024;

    /// <summary>
    /// Bytes per second a client must at least send a body at, and read a response at, after a 5 s grace period;
    /// slower connections are closed. Kestrel's default of 240.
    /// </summary>
    public double MinDataRate { get; set; } = 240;

    /// <summary>True when --http-socket was given; otherwise sockets from systemd socket activation replace the default.</summary>
    public bool HttpSocketsGiven { get; set; }

    /// <summary>Permissions for Unix domain sockets, in octal (for example 660); null keeps what the umask gives.</summary>
    public string? SocketMode { get; set; }

    /// <summary>This node's cluster endpoint, HOST:PORT; null: no cluster (unless --processes forms one on loopback).</summary>
    public string? ClusterListen { get; set; }

    /// <summary>Nodes to contact when joining the cluster, HOST:PORT each; none: this node starts the cluster.</summary>
    public IReadOnlyList<string> ClusterSeeds { get; set; } = [];

    /// <summary>This node's certificate for mutual TLS between nodes (PKCS #12, or PEM).</summary>
    public string? ClusterCertificate { get; set; }

    /// <summary>The PEM private key of <see cref="ClusterCertificate"/>, when it is not in the same file.</summary>
    public string? ClusterKey { get; set; }

    /// <summary>PEM file of the roots a peer's certificate must chain to; null: the root of this node's own certificate.</summary>
    public string? ClusterCa { get; set; }

    /// <summary>How log records are written: text (one line each, for people) or json (one JSON object per line).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>True for <c>--log-format json</c>.</summary>
    public bool JsonLogs => LogFormat == "json";

    /// <summary>TLS listeners, ADDR,CERT,KEY each (PEM certificate chain and key), with HTTP/1.1 and HTTP/2.</summary>
    public IReadOnlyList<string> HttpsSockets { get; set; } = [];

    /// <summary>Where /metrics and /status.json are served (any --http-socket form); null: nowhere.</summary>
    public string? StatusSocket { get; set; }
}
