namespace AkkaWsgi.Http.Hosting;

/// <summary>Everything the command line configures; defaults follow wsgo where it has the flag.</summary>
public sealed class ServerOptions
{
    /// <summary>The application, MODULE or MODULE:CALLABLE (callable defaults to <c>application</c>).</summary>
    public string Module { get; set; } = "";

    /// <summary>Where to listen: HOST:PORT, [IPV6]:PORT, :PORT (all IPv4 interfaces) or unix:/path. wsgo's default.</summary>
    public IReadOnlyList<string> HttpSockets { get; set; } = [":8000"];

    /// <summary>Interpreter workers (threads running Python). wsgo's default of 16.</summary>
    public int Workers { get; set; } = 16;

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

    /// <summary>Minimum level of log records: trace, debug, information, warning, error or critical.</summary>
    public string LogLevel { get; set; } = "information";

    /// <summary>Log one line per request in the combined log format, with the duration.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Largest request body accepted; larger ones get 413. Same default as the body spill limit.</summary>
    public long MaxBodySize { get; set; } = 100L * 1024 * 1024;

    /// <summary>Bodies up to this size are held in memory; larger ones are spilled to a temporary file.</summary>
    public int BufferSize { get; set; } = 1024 * 1024;

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

    /// <summary>Seconds in-flight requests get to finish after SIGTERM or SIGINT.</summary>
    public double GracefulTimeout { get; set; } = 30;

    /// <summary>
    /// Seconds a request may run before akkawsgi.RequestTimeout is raised in it (answered 502 if nothing was sent),
    /// and may wait for a worker before it is answered 503. wsgo's default.
    /// </summary>
    public double RequestTimeout { get; set; } = 60;

    /// <summary>Requests that may wait for a free worker; beyond it the lowest-ranked waiting one gets 503.</summary>
    public int MaxQueue { get; set; } = 128;

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
}
