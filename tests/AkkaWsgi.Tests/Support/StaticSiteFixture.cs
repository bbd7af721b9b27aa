namespace AkkaWsgi.Tests.Support;

/// <summary>
/// One server for the static-map tests: tests/apps/static_fallback.py behind two maps, <c>/static</c> and
/// <c>/static/img</c>, over a temporary tree holding ordinary files, precompressed siblings, a symlink inside the
/// directory, symlinks leading out of it, a FIFO, and secrets beside it. Started on first use, removed with the class.
/// </summary>
public sealed class StaticSiteFixture : IDisposable
{
    public const string Secret = "top secret";
    public const string Script = "console.log('precompressed siblings are the same text');\n";
    public const int MaxAge = 600;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerProcess? _server;

    public StaticSiteFixture()
    {
        Tree.Write("secret.txt", Secret);
        Tree.Write("outside/secret.txt", Secret);
        Tree.Write("site/style.css", "body { color: red }\n");
        Tree.Write("site/app.js", Script);
        Tree.WriteGzip("site/app.js", Script);
        Tree.WriteBrotli("site/app.js", Script);
        Tree.Write("site/gz-only.js", Script);
        Tree.WriteGzip("site/gz-only.js", Script);
        Tree.Write("site/numbers.txt", string.Concat(Enumerable.Range(0, 100).Select(i => $"{i:D3}\n")));
        Tree.Write("site/img/logo.txt", "from site");
        Tree.Write("site/img/only-site.txt", "from site");
        Tree.Write("site/.git/config", Secret);
        Tree.Write("images/logo.txt", "from images");
        Tree.Link("site/escape.txt", "../secret.txt");
        Tree.Link("site/outside", "../outside");
        Tree.Link("site/alias.css", "style.css");
        Tree.Fifo("site/pipe.txt");
    }

    public TempDirectoryTree Tree { get; } = new();

    public async Task<ServerProcess> GetAsync()
    {
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(90)))
        {
            throw new TimeoutException("another test held the server start-up lock for 90 s");
        }

        try
        {
            if (_server is { HasExited: false })
            {
                return _server;
            }

            _server?.Dispose();
            var arguments = ServerProcess.AppArguments("static_fallback", PythonInstalls.Default, workers: 2);
            arguments.AddRange([
                "--static-map", $"/static={Tree.PathOf("site")}",
                "--static-map", $"/static/img={Tree.PathOf("images")}",
                "--static-max-age", MaxAge.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]);
            _server = await ServerProcess.StartAsync(arguments);
            return _server;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _gate.Dispose();
        Tree.Dispose();
    }
}
