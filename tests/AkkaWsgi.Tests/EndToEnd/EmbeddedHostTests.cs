using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>
/// examples/aspnet-host, an ASP.NET Core application serving a Flask application under /legacy, built against the
/// AkkaWsgi.Hosting package packed from this repository into a local folder feed (not a project reference), so
/// the package is proven complete.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedHostTests(EmbeddedHostFixture fixture) : IClassFixture<EmbeddedHostFixture>
{
    [RequiresPythonModuleFact("flask")]
    public async Task HostEndpointAndPythonApplication_AnswerSideBySide_UnderTheirOwnPaths()
    {
        using var host = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal("hello from ASP.NET Core", await client.GetStringAsync("/hello"));
        Assert.Equal("hello from Flask", await client.GetStringAsync("/legacy/"));
        Assert.Equal($"SCRIPT_NAME=/legacy PATH_INFO=/where url={host.BaseUrl}legacy/where", await client.GetStringAsync("/legacy/where"));

        // Flask would answer /where with 200: these never reached Python.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/where")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/legacyx/where")).StatusCode);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task ServerActors_LiveInTheHostsActorSystem_AndTheHostsActorWakesAParkedPythonRequest()
    {
        using var host = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal("platform akka://platform/user/akkawsgi/dispatcher", await client.GetStringAsync("/system"));

        var parked = client.GetStringAsync("/legacy/news");
        var deadline = Stopwatch.StartNew();
        while (!parked.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            // The long poll may not have reached the parking lot yet; a headline nobody waits for is harmless.
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/news?text=flood", null)).StatusCode);
            await Task.WhenAny(parked, Task.Delay(300));
        }

        Assert.Equal("headline: flood", await parked);
    }

    [RequiresPythonModuleFact("flask")]
    public async Task PythonApplication_ReachesTheServiceTheHostExposed_AndNothingElse()
    {
        using var host = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal("Hello Ada, from .NET", await client.GetStringAsync("/legacy/greet?name=Ada"));
        Assert.Equal("akkawsgi.host_service('IConfiguration'): the host exposes no service by that name " +
            "(a host exposes services with AkkaWsgiOptions.ExposeService)", await client.GetStringAsync("/legacy/not-exposed"));
    }

    [RequiresPythonModuleFact("flask")]
    public async Task PythonException_Is500_AndARequestPastTheTimeout502_TheHostKeepsServing()
    {
        using var host = await fixture.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/legacy/boom")).StatusCode);
        Assert.Contains("the legacy application failed", host.Log, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/legacy/slow")).StatusCode);
        Assert.Equal("hello from ASP.NET Core", await client.GetStringAsync("/hello"));
        Assert.Equal("hello from Flask", await client.GetStringAsync("/legacy/"));
    }

    [RequiresPythonModuleFact("flask")]
    public async Task HostShutdown_RunsTheApplicationsAtexit_AndEnds()
    {
        using var files = new TempDirectoryTree();
        var marker = Path.Combine(files.Root, "atexit");
        using var host = await fixture.StartAsync(marker);
        using var client = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("hello from Flask", await client.GetStringAsync("/legacy/"));

        host.Terminate();

        Assert.True(host.WaitForExit(TimeSpan.FromSeconds(30)), host.Log);
        Assert.Equal(0, host.ExitCode);
        Assert.Equal("atexit ran\n", File.ReadAllText(marker));
    }
}

/// <summary>Packs the repository's packages into a fresh folder feed once, and builds the example against them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedHostFixture : IDisposable
{
    private readonly TempDirectoryTree work = new();
    private readonly Lazy<string> built;

    public EmbeddedHostFixture() => built = new Lazy<string>(Build);

    public async Task<HostProcess> StartAsync(string? atexitMarker = null)
    {
        var dll = built.Value;
        var port = TestPorts.Free();
        var host = HostProcess.Start(dll, port, PythonInstalls.SystemPython, atexitMarker);
        try
        {
            await host.WaitForReadyAsync(TimeSpan.FromSeconds(60));
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose() => work.Dispose();

    private string Build()
    {
        // A version of its own each run: the machine's package cache must not hand back an older build.
        var version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var feed = Path.Combine(work.Root, "feed");
        foreach (var project in new[] { "src/Python/AkkaWsgi.Python.csproj", "src/Actors/AkkaWsgi.Actors.csproj", "src/Hosting/AkkaWsgi.Hosting.csproj" })
        {
            Run("dotnet", ["pack", Path.Combine(RepoPaths.Root, project), "-c", "Release", "--no-build", "-o", feed, $"-p:Version={version}"]);
        }

        var source = Path.Combine(RepoPaths.Root, "examples", "aspnet-host");
        var copy = Path.Combine(work.Root, "aspnet-host");
        Directory.CreateDirectory(Path.Combine(copy, "legacy"));
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                                 !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetRelativePath(source, file)), overwrite: true);
        }

        // The copy is outside the repository: the same feed, named where the example's own nuget.config names it.
        File.WriteAllText(Path.Combine(copy, "nuget.config"), File.ReadAllText(Path.Combine(source, "nuget.config"))
            .Replace("../../artifacts/nupkg", feed, StringComparison.Ordinal));
        var output = Path.Combine(work.Root, "out");
        Run("dotnet", ["build", copy, "-c", "Release", "-o", output, $"-p:AkkaWsgiVersion={version}"]);
        return Path.Combine(output, "AspNetHost.dll");
    }

    private static void Run(string program, string[] arguments)
    {
        var result = ProcessRunner.Run(program, arguments, TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        }
    }

}

/// <summary>The example host as a child process, with its output kept.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private HostProcess(Process process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int ExitCode => process.ExitCode;

    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public static HostProcess Start(string dll, int port, string python, string? atexitMarker)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--Python", python, "--RequestTimeout", "1" })
        {
            info.ArgumentList.Add(argument);
        }

        if (atexitMarker is not null)
        {
            info.Environment["LEGACY_ATEXIT_FILE"] = atexitMarker;
        }

        var process = new Process { StartInfo = info };
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task WaitForReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the host exited with {process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await client.GetAsync("/hello")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the host did not answer within {timeout}:\n{Log}");
    }

    public void Terminate() => Posix.Kill(process.Id, 15);

    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static class Posix
    {
        public static void Kill(int pid, int signal)
        {
            if (!AkkaWsgi.Python.Native.Posix.TrySignal(pid, signal))
            {
                throw new InvalidOperationException($"kill({pid}, {signal}) failed");
            }
        }
    }
}
