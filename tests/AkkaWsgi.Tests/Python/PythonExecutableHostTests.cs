using AkkaWsgi.Python;

namespace AkkaWsgi.Tests.Python;

public sealed class PythonExecutableHostTests
{
    private const string Assembly = "/opt/akkawsgi/akkawsgi.dll";
    private const string HostFxr = "/usr/share/dotnet/host/fxr/10.0.12/libhostfxr.so";

    private static readonly string[] Maps =
    [
        "5581c6a00000-5581c6a08000 r--p 00000000 08:01 1234 /opt/akkawsgi/akkawsgi",
        "7f1e2a000000-7f1e2a021000 rw-p 00000000 00:00 0",
        $"7f1e2b000000-7f1e2b040000 r-xp 00010000 08:01 5678 {HostFxr}",
        "7f1e2c000000-7f1e2c020000 r--p 00000000 08:01 9012 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/libhostpolicy.so",
    ];

    private static readonly PythonInstallation Debian =
        new("/usr/bin/python3", "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", new Version(3, 11, 2), "/usr", null, ExecutableCanHost: true);

    [Fact]
    public void Plan_StartsTheExecutableWithTheScriptTheHostAndTheAssembly()
    {
        var command = PythonExecutableHost.Plan(Debian, Assembly, _ => true, () => Maps, out var reason);

        Assert.NotNull(command);
        Assert.Equal("", reason);
        Assert.Equal("/usr/bin/python3", command.Executable);
        Assert.Equal(HostFxr, command.HostLibrary);
        Assert.Equal(Assembly, command.Assembly);
        Assert.Contains("hostfxr_run_app", command.Environment[PythonExecutableHost.ScriptVariable], StringComparison.Ordinal);
    }

    [Fact]
    public void StartupScript_SetsTheProcessVariableTheServerLooksFor()
    {
        var command = PythonExecutableHost.Plan(Debian, Assembly, _ => true, () => Maps, out _);

        // Spelled in the script and in C#: renamed on one side alone, no worker would find the interpreter it runs in.
        Assert.Contains($"os.environ[\"{PythonExecutableHost.ProcessVariable}\"] = str(os.getpid())",
            command!.Environment[PythonExecutableHost.ScriptVariable], StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_OnlyALibrary_IsNone()
    {
        var command = PythonExecutableHost.Plan(Debian with { Executable = null }, Assembly, _ => true, () => Maps, out var reason);

        Assert.Null(command);
        Assert.Equal("Python was given as its library (/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0), not as an executable", reason);
    }

    [Fact]
    public void Plan_AnExecutableThatCannotHost_IsNone()
    {
        var command = PythonExecutableHost.Plan(Debian with { ExecutableCanHost = false }, Assembly, _ => true, () => Maps, out var reason);

        Assert.Null(command);
        Assert.StartsWith("/usr/bin/python3 cannot load native code through ctypes", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ASingleFileBuild_IsNone()
    {
        var command = PythonExecutableHost.Plan(Debian, Assembly, _ => false, () => Maps, out var reason);

        Assert.Null(command);
        Assert.Contains("single-file", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoHostLibraryLoaded_IsNone()
    {
        var command = PythonExecutableHost.Plan(Debian, Assembly, _ => true, () => Maps.Where(l => !l.Contains("hostfxr", StringComparison.Ordinal)), out var reason);

        Assert.Null(command);
        Assert.Contains("libhostfxr.so", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentHost_StillThere_IsTheOneRecorded()
    {
        Assert.Equal(HostFxr, PythonExecutableHost.CurrentHost(HostFxr, _ => true, _ => throw new InvalidOperationException("not looked at")));
    }

    [Fact]
    public void CurrentHost_RemovedByAnUpdate_IsTheNewestBesideIt()
    {
        var present = new HashSet<string>
        {
            "/usr/share/dotnet/host/fxr/10.0.9/libhostfxr.so",
            "/usr/share/dotnet/host/fxr/10.0.13/libhostfxr.so",
            "/usr/share/dotnet/host/fxr/11.0.0-preview.1/libhostfxr.so",
        };
        string[] Directories(string path) => path == "/usr/share/dotnet/host/fxr"
            ? ["/usr/share/dotnet/host/fxr/10.0.9", "/usr/share/dotnet/host/fxr/10.0.13", "/usr/share/dotnet/host/fxr/empty",
                "/usr/share/dotnet/host/fxr/11.0.0-preview.1", "/usr/share/dotnet/host/fxr/12.0.0"]
            : throw new DirectoryNotFoundException(path);

        var host = PythonExecutableHost.CurrentHost(HostFxr, present.Contains, Directories);

        // 12.0.0 has no library; 11.0.0-preview.1 is newer than 10.0.13 and has one.
        Assert.Equal("/usr/share/dotnet/host/fxr/11.0.0-preview.1/libhostfxr.so", host);
    }

    [Fact]
    public void CurrentHost_NothingBesideIt_IsTheOneRecorded()
    {
        Assert.Equal(HostFxr, PythonExecutableHost.CurrentHost(HostFxr, _ => false, _ => throw new DirectoryNotFoundException()));
    }

    [Fact]
    public void FindHost_ThisTestProcess_FindsTheHostItRunsOn()
    {
        // The test host is started through the .NET host too; its mapping is what the supervisor reads of itself.
        var host = PythonExecutableHost.FindHost(File.ReadAllLines("/proc/self/maps"));

        Assert.NotNull(host);
        Assert.True(File.Exists(host), host);
        Assert.EndsWith("/libhostfxr.so", host, StringComparison.Ordinal);
    }
}
