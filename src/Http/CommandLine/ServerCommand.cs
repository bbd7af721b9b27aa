using System.CommandLine;
using System.CommandLine.Parsing;
using AkkaWsgi.Hosting;
using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Http.CommandLine;

/// <summary>The command line, wsgo-compatible: flags, defaults, validation, and binding to <see cref="ServerOptions"/>.</summary>
internal sealed class ServerCommand
{
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical"];
    private static readonly ServerOptions Defaults = new();

    private readonly Option<string> module = new("--module")
    {
        Description = "WSGI application: MODULE (callable 'application') or MODULE:CALLABLE",
        Required = true,
    };

    private readonly Option<string[]> httpSocket = new("--http-socket")
    {
        Description = "Listen on HOST:PORT, [IPV6]:PORT, :PORT (all IPv4 interfaces) or unix:/path; repeatable",
        DefaultValueFactory = _ => [.. Defaults.HttpSockets],
    };

    private readonly Option<int> workers = new("--workers")
    {
        Description = "Python interpreter workers (threads)",
        DefaultValueFactory = _ => Defaults.Workers,
    };

    private readonly Option<int> processes = new("--processes")
    {
        Description = "Worker processes sharing the listeners, under one supervisor (0: one per core)",
        DefaultValueFactory = _ => Defaults.Processes,
    };

    private readonly Option<bool> noSupervisor = new("--no-supervisor")
    {
        Description = "Serve from this process alone, without a supervisor (for platforms that restart it themselves)",
    };

    private readonly Option<string?> pidFile = new("--pidfile")
    {
        Description = "Write the server's process id to this file (removed at exit), for scripts that signal it",
    };

    private readonly Option<string?> uid = new("--uid")
    {
        Description = "Run the worker processes as this user (name or id); listeners are bound first, as root",
    };

    private readonly Option<string?> gid = new("--gid")
    {
        Description = "Run the worker processes in this group (name or id) [default: the --uid user's group]",
    };

    private readonly Option<long> maxRequests = new("--max-requests")
    {
        Description = "Replace a worker process after this many requests, a new one ready first (0: never)",
        DefaultValueFactory = _ => Defaults.MaxRequests,
    };

    private readonly Option<long?> maxRequestsJitter = new("--max-requests-jitter")
    {
        Description = "Up to this many random extra requests per worker, so workers are not all replaced at once [default: a tenth of --max-requests]",
    };

    private readonly Option<long> maxRss = new("--max-rss")
    {
        Description = "Replace a worker process whose resident memory passes this many MiB, a new one ready first (0: never)",
        DefaultValueFactory = _ => Defaults.MaxRss,
    };

    private readonly Option<string?> python = new("--python")
    {
        Description = "Python to embed: an interpreter or a libpython .so [default: the venv's, else python3 on PATH]",
    };

    private readonly Option<string> pythonFrom = new("--python-from")
    {
        Description = "Where Python's code comes from: executable (worker processes start as the Python executable, " +
            "which runs the server; Debian's runs Python 10-20 % faster than its libpython), library (they load " +
            "libpython), or auto: the executable when it can, else the library",
        DefaultValueFactory = _ => Defaults.PythonFrom,
    };

    private readonly Option<string?> venv = new("--venv")
    {
        Description = "Virtualenv whose packages the application uses [default: $VIRTUAL_ENV]",
    };

    private readonly Option<string?> chdir = new("--chdir")
    {
        Description = "Change to this directory before importing the application (it goes first on sys.path)",
    };

    private readonly Option<string> logLevel = new("--log-level")
    {
        Description = $"Least severe log records shown: {string.Join(", ", LogLevels)}",
        DefaultValueFactory = _ => Defaults.LogLevel,
    };

    private readonly Option<bool> allowClr = new("--allow-clr")
    {
        Description = "Let the application use .NET through pythonnet's clr module (off: import clr raises ImportError)",
    };

    private readonly Option<bool> accessLog = new("--access-log")
    {
        Description = "Log every request (combined log format plus duration)",
    };

    private readonly Option<long> maxBodySize = new("--max-body-size")
    {
        Description = "Largest request body in bytes; larger ones get 413",
        DefaultValueFactory = _ => Defaults.MaxBodySize,
    };

    private readonly Option<int> bufferSize = new("--buffer-size")
    {
        Description = "Request bodies up to this many bytes are held in memory, larger ones go to a temporary file",
        DefaultValueFactory = _ => Defaults.BufferSize,
    };

    private readonly Option<double> headerTimeout = new("--header-timeout")
    {
        Description = "Seconds a client has to send the request headers (slow-loris defence)",
        DefaultValueFactory = _ => Defaults.HeaderTimeout,
    };

    private readonly Option<double> keepAliveTimeout = new("--keepalive-timeout")
    {
        Description = "Seconds an idle keep-alive connection stays open",
        DefaultValueFactory = _ => Defaults.KeepAliveTimeout,
    };

    private readonly Option<int> maxHeaderSize = new("--max-header-size")
    {
        Description = "Largest request line plus headers in bytes; more gets 431",
        DefaultValueFactory = _ => Defaults.MaxHeaderSize,
    };

    private readonly Option<double> minDataRate = new("--min-data-rate")
    {
        Description = "Bytes/s a client must send bodies and read responses at (after 5 s of grace)",
        DefaultValueFactory = _ => Defaults.MinDataRate,
    };

    private readonly Option<double> gracefulTimeout = new("--graceful-timeout")
    {
        Description = "Seconds in-flight requests get to finish on SIGTERM/SIGINT",
        DefaultValueFactory = _ => Defaults.GracefulTimeout,
    };

    private readonly Option<double> requestTimeout = new("--request-timeout")
    {
        Description = "Seconds a request may run (then it is interrupted, 502) or wait for a worker (then 503)",
        DefaultValueFactory = _ => Defaults.RequestTimeout,
    };

    private readonly Option<int> maxQueue = new("--max-queue")
    {
        Description = "Requests that may wait for a worker; beyond it the lowest-ranked waiting one gets 503",
        DefaultValueFactory = _ => Defaults.MaxQueue,
    };

    private readonly Option<string[]> trustedProxy = new("--trusted-proxy")
    {
        Description = "A proxy (CIDR or address) whose X-Forwarded-For/-Proto are believed; repeatable",
        DefaultValueFactory = _ => [.. Defaults.TrustedProxies],
    };

    private readonly Option<string[]> priorityPrefix = new("--priority-prefix")
    {
        Description = "PREFIX=WEIGHT: add WEIGHT to the priority of requests whose path starts with PREFIX; repeatable",
        DefaultValueFactory = _ => [],
    };

    private readonly Option<string[]> staticMap = new("--static-map")
    {
        Description = "PREFIX=DIR: serve existing files under PREFIX from DIR before the application; repeatable, longest prefix wins",
        DefaultValueFactory = _ => [],
    };

    private readonly Option<int> staticMaxAge = new("--static-max-age")
    {
        Description = "Seconds static files may be cached (Cache-Control: public, max-age)",
        DefaultValueFactory = _ => Defaults.StaticMaxAge,
    };

    private readonly Option<int> maxAge = new("--max-age")
    {
        Description = "Seconds the page cache may keep responses with Cache-Control: max-age (0 turns the cache off)",
        DefaultValueFactory = _ => Defaults.MaxAge,
    };

    private readonly Option<long> cacheSize = new("--cache-size")
    {
        Description = "Bytes the page cache may hold; the least recently used pages are evicted",
        DefaultValueFactory = _ => Defaults.CacheSize,
    };

    private readonly Option<string[]> httpsSocket = new("--https-socket")
    {
        Description = "A TLS listener with HTTP/1.1 and HTTP/2: ADDR,CERT,KEY (PEM certificate chain and key; an encrypted key's passphrase from AKKAWSGI_HTTPS_KEY_PASSWORD); repeatable",
    };

    private readonly Option<string?> statusSocket = new("--status-socket")
    {
        Description = "Serve /metrics (Prometheus) and /status.json on this address of its own (same forms as --http-socket)",
    };

    private readonly Option<string> logFormat = new("--log-format")
    {
        Description = "text (one line per record) or json (one JSON object per line, access lines with separate fields)",
        DefaultValueFactory = _ => Defaults.LogFormat,
    };

    private readonly Option<string?> clusterListen = new("--cluster-listen")
    {
        Description = "Join a cluster of servers: this node's cluster endpoint, HOST:PORT (a loopback address, or any address with --cluster-certificate)",
    };

    private readonly Option<string[]> clusterSeed = new("--cluster-seed")
    {
        Description = "A node to contact when joining the cluster, HOST:PORT; repeatable [default: this node starts the cluster]",
    };

    private readonly Option<string?> clusterCertificate = new("--cluster-certificate")
    {
        Description = "This node's certificate and key for TLS between nodes (PKCS #12 or PEM; password from AKKAWSGI_CLUSTER_CERTIFICATE_PASSWORD)",
    };

    private readonly Option<string?> clusterKey = new("--cluster-key")
    {
        Description = "The PEM private key of --cluster-certificate, if it is not in the same file",
    };

    private readonly Option<string?> clusterCa = new("--cluster-ca")
    {
        Description = "PEM file of the root certificates other nodes' certificates must chain to [default: the root of this node's own certificate]",
    };

    private readonly Option<double> backgroundTimeout = new("--background-timeout")
    {
        Description = "Seconds a @akkawsgi.cron or @akkawsgi.timer job may run before it is interrupted",
        DefaultValueFactory = _ => Defaults.BackgroundTimeout,
    };

    private readonly Option<int> maxParked = new("--max-parked")
    {
        Description = "Requests that may be parked at once; beyond it the park headers are ignored and the response is sent",
        DefaultValueFactory = _ => Defaults.MaxParked,
    };

    private readonly Option<bool> utc = new("--utc")
    {
        Description = "Read @akkawsgi.cron times in UTC [default: local time]",
    };

    private readonly Option<string?> socketMode = new("--socket-mode")
    {
        Description = "Permissions of unix: sockets, in octal (such as 660) [default: from the umask]",
    };

    public ServerCommand()
    {
        Root = new RootCommand("akkawsgi: a production WSGI server for Python web applications")
        {
            module, httpSocket, workers, processes, noSupervisor, pidFile, uid, gid, maxRequests, maxRequestsJitter, maxRss, python, pythonFrom, venv, chdir, allowClr, logLevel, accessLog, maxBodySize, bufferSize,
            headerTimeout, keepAliveTimeout, maxHeaderSize, minDataRate, gracefulTimeout, requestTimeout, maxQueue,
            socketMode,
            backgroundTimeout, utc,
            trustedProxy, priorityPrefix, staticMap, staticMaxAge, maxAge, cacheSize, maxParked,
            clusterListen, clusterSeed, clusterCertificate, clusterKey, clusterCa, logFormat, httpsSocket, statusSocket,
        };
        statusSocket.Validators.Add(r => Check(r, statusSocket, v =>
        {
            try
            {
                ListenAddress.Parse(v!);
                return null;
            }
            catch (FormatException e)
            {
                return $"--status-socket {v}: {e.Message}";
            }
        }));
        httpsSocket.Validators.Add(r => Check(r, httpsSocket, values =>
        {
            foreach (var value in values)
            {
                HttpsSocket socket;
                try
                {
                    socket = HttpsSocket.Parse(value);
                }
                catch (FormatException e)
                {
                    return $"--https-socket {value}: {e.Message}";
                }

                foreach (var file in new[] { socket.CertificatePath, socket.KeyPath }.Where(f => !File.Exists(f)))
                {
                    return $"--https-socket {value}: no such file {file}";
                }
            }

            return null;
        }));
        logFormat.Validators.Add(r => Check(r, logFormat, v => v is "text" or "json" ? null : "--log-format must be text or json"));
        pythonFrom.Validators.Add(r => Check(r, pythonFrom,
            v => v is "auto" or "executable" or "library" ? null : "--python-from must be auto, executable or library"));

        httpSocket.Validators.Add(r => Check(r, httpSocket, values =>
        {
            foreach (var value in values)
            {
                try
                {
                    ListenAddress.Parse(value);
                }
                catch (FormatException e)
                {
                    return $"--http-socket {value}: {e.Message}";
                }
            }

            return null;
        }));
        workers.Validators.Add(r => Rule(r, workers, OptionRules.Workers));
        processes.Validators.Add(r => Check(r, processes, v => v is >= 0 and <= 1024 ? null : "--processes must be between 0 (one per core) and 1024"));
        maxRequests.Validators.Add(r => Check(r, maxRequests, v => v >= 0 ? null : "--max-requests cannot be negative"));
        maxRequestsJitter.Validators.Add(r => Check(r, maxRequestsJitter, v => v is null or >= 0 ? null : "--max-requests-jitter cannot be negative"));
        maxRss.Validators.Add(r => Check(r, maxRss, v => v >= 0 ? null : "--max-rss cannot be negative"));
        uid.Validators.Add(r => Check(r, uid, v => v is null || AkkaWsgi.Python.Native.Posix.FindUser(v) is not null ? null : $"--uid {v}: no such user"));
        gid.Validators.Add(r => Check(r, gid, v => v is null || AkkaWsgi.Python.Native.Posix.FindGroup(v) is not null ? null : $"--gid {v}: no such group"));
        Root.Validators.Add(ValidateSupervision);
        Root.Validators.Add(ValidateListeners);
        Root.Validators.Add(ValidateCluster);
        clusterListen.Validators.Add(r => Check(r, clusterListen, v => ClusterEndpointError("--cluster-listen", v)));
        clusterSeed.Validators.Add(r => Check(r, clusterSeed, values => values.Select(v => ClusterEndpointError("--cluster-seed", v)).FirstOrDefault(e => e is not null)));
        foreach (var file in new[] { clusterCertificate, clusterKey, clusterCa })
        {
            file.Validators.Add(r => Check(r, file, v => v is null || File.Exists(v) ? null : $"{file.Name} {v}: no such file"));
        }

        logLevel.Validators.Add(r => Check(r, logLevel, v => LogLevels.Contains(v.ToLowerInvariant())
            ? null
            : $"--log-level must be one of {string.Join(", ", LogLevels)}"));
        maxBodySize.Validators.Add(r => Rule(r, maxBodySize, OptionRules.NotNegative));
        bufferSize.Validators.Add(r => Rule(r, bufferSize, v => OptionRules.NotNegative(v)));
        maxHeaderSize.Validators.Add(r => Check(r, maxHeaderSize, v => v >= 1024 ? null : "--max-header-size must be at least 1024"));
        trustedProxy.Validators.Add(r => Rule(r, trustedProxy, values =>
            values.Select(v => OptionRules.TrustedProxy(v) is { } problem ? $"{v}: {problem}" : null).FirstOrDefault(p => p is not null)));
        priorityPrefix.Validators.Add(r => Rule(r, priorityPrefix, values =>
            values.Select(v => OptionRules.PriorityPrefix(v) is { } problem ? $"{v}: {problem}" : null).FirstOrDefault(p => p is not null)));
        staticMap.Validators.Add(r => Rule(r, staticMap, values =>
            OptionRules.StaticMapProblems(values).Select(bad => $"{bad.Map}: {bad.Problem}").FirstOrDefault()));
        staticMaxAge.Validators.Add(r => Rule(r, staticMaxAge, v => OptionRules.NotNegative(v)));
        maxAge.Validators.Add(r => Rule(r, maxAge, OptionRules.MaxAge));
        cacheSize.Validators.Add(r => Rule(r, cacheSize, OptionRules.CacheSize));
        maxParked.Validators.Add(r => Rule(r, maxParked, OptionRules.MaxParked));
        socketMode.Validators.Add(r => Check(r, socketMode, v =>
            v is { Length: >= 1 and <= 4 } && v.All(c => c is >= '0' and <= '7')
                ? null
                : $"--socket-mode {v}: not an octal permission such as 660"));
        maxQueue.Validators.Add(r => Rule(r, maxQueue, OptionRules.MaxQueue));
        foreach (var seconds in new[] { headerTimeout, keepAliveTimeout, gracefulTimeout, requestTimeout, backgroundTimeout })
        {
            seconds.Validators.Add(r => Rule(r, seconds, OptionRules.Seconds));
        }

        minDataRate.Validators.Add(r => Check(r, minDataRate, v => v >= 0 ? null : "--min-data-rate cannot be negative"));
    }

    public RootCommand Root { get; }

    public ServerOptions Bind(ParseResult result) => new()
    {
        Module = result.GetValue(module)!,
        // Only TLS listeners asked for: the plain default :8000 is not wanted beside them.
        HttpSockets = result.GetResult(httpSocket) is null or { Implicit: true } && result.GetValue(httpsSocket) is { Length: > 0 }
            ? []
            : result.GetValue(httpSocket)!,
        HttpSocketsGiven = result.GetResult(httpSocket) is { Implicit: false },
        SocketMode = result.GetValue(socketMode),
        Workers = result.GetValue(workers),
        Processes = result.GetValue(processes) is 0 ? Environment.ProcessorCount : result.GetValue(processes),
        NoSupervisor = result.GetValue(noSupervisor),
        PythonFrom = result.GetValue(pythonFrom)!,
        // Absolute now: --chdir moves the current directory before the file is written or removed.
        PidFile = result.GetValue(pidFile) is { } pid ? Path.GetFullPath(pid) : null,
        Uid = result.GetValue(uid),
        Gid = result.GetValue(gid),
        MaxRequests = result.GetValue(maxRequests),
        MaxRequestsJitter = result.GetValue(maxRequestsJitter),
        MaxRss = result.GetValue(maxRss),
        Python = result.GetValue(python),
        Venv = result.GetValue(venv),
        Chdir = result.GetValue(chdir),
        LogLevel = result.GetValue(logLevel)!.ToLowerInvariant(),
        AccessLog = result.GetValue(accessLog),
        InlineConnections = SocketThreads.Inline,
        AllowClr = result.GetValue(allowClr),
        MaxBodySize = result.GetValue(maxBodySize),
        BufferSize = result.GetValue(bufferSize),
        HeaderTimeout = result.GetValue(headerTimeout),
        KeepAliveTimeout = result.GetValue(keepAliveTimeout),
        MaxHeaderSize = result.GetValue(maxHeaderSize),
        MinDataRate = result.GetValue(minDataRate),
        GracefulTimeout = result.GetValue(gracefulTimeout),
        RequestTimeout = result.GetValue(requestTimeout),
        MaxQueue = result.GetValue(maxQueue),
        BackgroundTimeout = result.GetValue(backgroundTimeout),
        Utc = result.GetValue(utc),
        TrustedProxies = result.GetValue(trustedProxy)!,
        PriorityPrefixes = result.GetValue(priorityPrefix)!,
        // Resolved now, before --chdir moves the current directory the validation above was made against.
        StaticMaps = [.. result.GetValue(staticMap)!.Select(v => StaticMapping.Parse(v).ToString())],
        StaticMaxAge = result.GetValue(staticMaxAge),
        MaxAge = result.GetValue(maxAge),
        CacheSize = result.GetValue(cacheSize),
        MaxParked = result.GetValue(maxParked),
        LogFormat = result.GetValue(logFormat)!,
        HttpsSockets = result.GetValue(httpsSocket) ?? [],
        StatusSocket = result.GetValue(statusSocket),
        ClusterListen = result.GetValue(clusterListen),
        ClusterSeeds = result.GetValue(clusterSeed) ?? [],
        ClusterCertificate = result.GetValue(clusterCertificate) is { } certificate ? Path.GetFullPath(certificate) : null,
        ClusterKey = result.GetValue(clusterKey) is { } key ? Path.GetFullPath(key) : null,
        ClusterCa = result.GetValue(clusterCa) is { } ca ? Path.GetFullPath(ca) : null,
    };

    private static string? ClusterEndpointError(string flag, string? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            AkkaWsgi.Actors.Cluster.ClusterEndpoint.Parse(value);
            return null;
        }
        catch (FormatException e)
        {
            return $"{flag} {value}: {e.Message}";
        }
    }

    // What a cluster node needs, and the rule that cluster traffic from the network is always authenticated.
    private void ValidateCluster(CommandResult result)
    {
        var listen = result.GetValue(clusterListen);
        if (listen is null)
        {
            foreach (var option in new Option[] { clusterSeed, clusterCertificate, clusterKey, clusterCa }.Where(o => result.GetResult(o) is { Implicit: false }))
            {
                result.AddError($"{option.Name} needs --cluster-listen: say where this node listens for the other nodes");
            }

            return;
        }

        AkkaWsgi.Actors.Cluster.ClusterEndpoint endpoint;
        try
        {
            endpoint = AkkaWsgi.Actors.Cluster.ClusterEndpoint.Parse(listen);
        }
        catch (FormatException)
        {
            return; // reported by the flag's own validator
        }

        if (!endpoint.IsLoopback && result.GetValue(clusterCertificate) is null)
        {
            result.AddError($"--cluster-listen {listen} can be reached from other machines, and cluster traffic must be authenticated: " +
                "give every node --cluster-certificate (from one private CA, or one shared self-signed certificate), or listen on 127.0.0.1");
        }

        if (result.GetValue(clusterKey) is not null && result.GetValue(clusterCertificate) is null)
        {
            result.AddError("--cluster-key needs --cluster-certificate");
        }

        if (result.GetResult(processes) is { Implicit: false } && result.GetValue(processes) is not 1)
        {
            result.AddError("--cluster-listen runs one worker process per node: use --processes 1 with more --workers, or more nodes");
        }
    }

    /// <summary>
    /// Two listeners on one address would fail to bind as "address already in use", which sends the operator looking
    /// for another program; the flags that collide are named instead.
    /// </summary>
    private void ValidateListeners(CommandResult result)
    {
        var https = result.GetValue(httpsSocket) ?? [];
        // The default address is not filled in yet when validators run; it stands unless --https-socket or sockets
        // handed over by systemd replace it.
        var http = result.GetResult(httpSocket) is { Implicit: false } ? result.GetValue(httpSocket) ?? []
            : https.Length == 0 && Environment.GetEnvironmentVariable("LISTEN_FDS") is null ? [.. Defaults.HttpSockets]
            : [];
        var listeners = new List<(string Flag, ListenAddress Address)>();
        void Add(string flag, string text, Func<string, string> address)
        {
            try
            {
                listeners.Add(($"{flag} {text}", ListenAddress.Parse(address(text))));
            }
            catch (FormatException)
            {
                // Reported by the flag's own validator.
            }
        }

        foreach (var text in http)
        {
            Add("--http-socket", text, t => t);
        }

        foreach (var text in https)
        {
            Add("--https-socket", text, t => HttpsSocket.Parse(t).Address);
        }

        if (result.GetValue(statusSocket) is { } status)
        {
            Add("--status-socket", status, t => t);
        }

        for (var i = 0; i < listeners.Count; i++)
        {
            if (listeners.Take(i).FirstOrDefault(earlier => earlier.Address.Overlaps(listeners[i].Address)) is { Flag: { } first })
            {
                result.AddError($"{first} and {listeners[i].Flag} listen on the same address and port; give each listener its own");
                return;
            }
        }
    }

    // Flags that only a supervisor can act on, and what privilege dropping needs.
    private void ValidateSupervision(CommandResult result)
    {
        if (result.GetValue(noSupervisor))
        {
            // Only flags given explicitly count: a default is not the user asking for anything.
            bool Given<T>(Option<T> option, Func<T?, bool> meaningful) =>
                result.GetResult(option) is { Implicit: false } && meaningful(result.GetValue(option));
            var needSupervisor = new (Option Option, bool Given)[]
            {
                (processes, Given(processes, v => v != 1)),
                (uid, Given(uid, v => v is not null)),
                (gid, Given(gid, v => v is not null)),
                (maxRequests, Given(maxRequests, v => v > 0)),
                (maxRss, Given(maxRss, v => v > 0)),
            };
            foreach (var (option, given) in needSupervisor.Where(n => n.Given))
            {
                result.AddError($"{option.Name} needs the supervisor: it cannot be used with --no-supervisor");
            }
        }

        if (result.GetValue(gid) is not null && result.GetValue(uid) is null)
        {
            result.AddError("--gid needs --uid: say which user the workers run as");
        }

        if (result.GetValue(uid) is { } user && AkkaWsgi.Python.Native.Posix.FindUser(user) is { } account &&
            account.UserId != AkkaWsgi.Python.Native.Posix.EffectiveUserId && AkkaWsgi.Python.Native.Posix.EffectiveUserId != 0)
        {
            result.AddError($"--uid {user}: only root can switch users; start the server as root (it binds first, then drops to {user})");
        }
    }

    /// <summary>Checks a value against one of the rules <see cref="AkkaWsgiOptions"/> shares (<see cref="OptionRules"/>), naming the flag.</summary>
    private static void Rule<T>(OptionResult result, Option<T> option, Func<T, string?> rule) =>
        Check(result, option, value => rule(value) is { } problem ? $"{option.Name} {problem}" : null);

    private static void Check<T>(OptionResult result, Option<T> option, Func<T, string?> validate)
    {
        if (result.Tokens.Count == 0)
        {
            return; // the default is valid by construction
        }

        T value;
        try
        {
            value = result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return; // not a T at all: the parser reports that itself, naming the flag and the value
        }

        if (value is not null && validate(value) is { } error)
        {
            result.AddError(error);
        }
    }
}
