using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>The mistakes of a first run, each answered with one line saying what to do.</summary>
public sealed class FirstRunHintTests
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ModuleWithAnAppCallable_SuggestsModuleColonApp()
    {
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("named_app", PythonInstalls.Default, workers: 1));

        Assert.Equal(4, await server.WaitForExitAsync(FailFast));
        Assert.Contains("module 'named_app' has no attribute 'application' (application named_app:application); it has a callable 'app': --module named_app:app",
            server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("values:application", "values:application is an int, not a WSGI callable; it has a callable 'app': --module values:app")]
    [InlineData("values:nothing", "values:nothing is None, not a WSGI callable; it has a callable 'app': --module values:app")]
    [InlineData("values:helpers", "values:helpers is a module, not a WSGI callable: name a submodule with a dot, --module values.helpers")]
    [InlineData("values:app.missing", "module 'values' has no attribute 'app.missing' (application values:app.missing); it has a callable 'app': --module values:app")]
    public async Task CallableThatIsNotOne_IsNamedWithWhatItIsAndWhatWouldWork(string module, string message)
    {
        using var app = new TempDirectoryTree();
        app.Write("values.py", """
            import json as helpers
            application = 42
            nothing = None
            def app(environ, start_response):
                start_response("200 OK", [])
                return [b"app"]
            """);
        using var server = ServerProcess.Launch(ServerProcess.AppArguments(module, PythonInstalls.Default, workers: 1, chdir: app.Root));

        Assert.Equal(4, await server.WaitForExitAsync(FailFast));
        Assert.Contains(message, server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModuleNotFoundFromTheWrongDirectory_SuggestsChdir()
    {
        using var elsewhere = new TempDirectoryTree();
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("not_here_akkawsgi", PythonInstalls.Default, workers: 1, chdir: elsewhere.Root));

        Assert.Equal(4, await server.WaitForExitAsync(FailFast));
        Assert.Contains($"Python looked for 'not_here_akkawsgi' in {elsewhere.Root} and its sys.path: run from the directory that holds it, or give --chdir DIR",
            server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrameworkMissingFromThePythonInUse_NamesThatPythonAndSuggestsVenv()
    {
        using var app = new TempDirectoryTree();
        app.Write("needs_framework.py", "import pyramid\n");
        using var server = ServerProcess.Launch(ServerProcess.AppArguments("needs_framework", PythonInstalls.Default, workers: 1, chdir: app.Root));

        Assert.Equal(4, await server.WaitForExitAsync(FailFast));
        Assert.Contains("'pyramid' is not installed for the Python in use, ", server.Log, StringComparison.Ordinal);
        Assert.Contains("(site-packages: ", server.Log, StringComparison.Ordinal);
        Assert.Contains("give --venv DIR or --python PATH", server.Log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PortInUse_IsOneLine_WithoutAStackTrace(bool noSupervisor)
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var arguments = ServerProcess.AppArguments("named_app:app", PythonInstalls.Default, workers: 1);
        arguments[arguments.IndexOf("127.0.0.1:0")] = $"127.0.0.1:{port}";
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(1, await server.WaitForExitAsync(FailFast));
        Assert.Contains("cannot start: ", server.Log, StringComparison.Ordinal);
        Assert.Contains("ddress already in use", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Log, StringComparison.Ordinal);
    }

    [RequiresPythonModuleFact("django")]
    public async Task FreshDjangoProject_ServedAsTheReadmeSays_FromWhereManagePyIs()
    {
        using var work = new TempDirectoryTree();
        var created = ProcessRunner.Run(PythonInstalls.SystemPython, ["-m", "django", "startproject", "mysite", work.Root], TimeSpan.FromSeconds(60));
        Assert.True(created.ExitCode == 0, created.StandardError);

        using (var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("mysite.wsgi", PythonInstalls.SystemPython, workers: 1, chdir: work.Root)))
        using (var http = TestHttp.Client(server))
        {
            // DEBUG is on in a fresh project, and Django answers its own welcome page.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        }

        // One directory up, the error says where to run it.
        using var misplaced = ServerProcess.Launch(ServerProcess.AppArguments("mysite.wsgi", PythonInstalls.SystemPython, workers: 1,
            chdir: Directory.GetParent(work.Root)!.FullName));
        Assert.Equal(4, await misplaced.WaitForExitAsync(FailFast));
        Assert.Contains("give --chdir DIR", misplaced.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at Python.Runtime", misplaced.Log, StringComparison.Ordinal);
    }
}
