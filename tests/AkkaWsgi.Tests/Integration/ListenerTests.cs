using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Listeners besides IPv4 TCP: IPv6, Unix domain sockets (with --socket-mode) and systemd socket activation.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ListenerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IPv6Listener_RequestWithoutAHost_HasTheBracketedAddressAsServerName()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments[arguments.IndexOf("127.0.0.1:0")] = "[::1]:0";
        using var server = await ServerProcess.StartAsync(arguments);
        using var client = await RawHttpClient.ConnectAsync(server.Port, address: IPAddress.IPv6Loopback);

        // wsgiref and Django rebuild the URL from SERVER_NAME and SERVER_PORT when there is no Host.
        await client.SendAsync("GET /environ/v6 HTTP/1.0\r\n\r\n");
        var response = await client.ReadResponseAsync();

        Assert.True(response.StatusCode == 200, $"{response.StatusCode}: {response.BodyText}");
        Assert.Equal("[::1]", JsonNode.Parse(response.BodyText)!["environ"]!["SERVER_NAME"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnixSocket_IsServed_WithTheRequestedPermissions_AndItsPeerTrustedAsAProxy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"akkawsgi-{Guid.NewGuid():N}.sock");
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--http-socket", $"unix:{path}", "--socket-mode", "600"]);
        try
        {
            using var server = await ServerProcess.StartAsync(arguments);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            // CGI requires REMOTE_ADDR; a socket file's peer has no address, so it is empty, as other servers give it.
            Assert.Equal("", (await UnixEnvironAsync(path, ""))["REMOTE_ADDR"]!.GetValue<string>());
            Assert.Equal("203.0.113.9", (await UnixEnvironAsync(path, "X-Forwarded-For: 203.0.113.9\r\n"))["REMOTE_ADDR"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<JsonNode> UnixEnvironAsync(string path, string extraHeaders)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /environ HTTP/1.1\r\nHost: local\r\n{extraHeaders}Connection: close\r\n\r\n"));
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        using var timeout = new CancellationTokenSource(Patience);
        while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = reply.ToString();
        Assert.StartsWith("HTTP/1.1 200", text, StringComparison.Ordinal);
        return JsonNode.Parse(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!["environ"]!;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnixSocketPath_WhereAnotherServerListens_IsRefusedAndThatServerKeepsIt(bool noSupervisor)
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("taken.sock");
        using var other = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        other.Bind(new UnixDomainSocketEndPoint(path));
        other.Listen();

        using var server = ServerProcess.Launch(UnixArguments(path, noSupervisor));

        Assert.Equal(1, await server.WaitForExitAsync(Patience));
        Assert.Contains($"cannot start: cannot listen on unix:{path}: another server is listening there", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Log, StringComparison.Ordinal);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var accepted = await other.AcceptAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnixSocketPath_NamingAnOrdinaryFile_IsRefusedAndTheFileKept(bool noSupervisor)
    {
        using var dir = new TempDirectoryTree();
        var path = dir.PathOf("settings.py");
        File.WriteAllText(path, "DEBUG = False\n");

        using var server = ServerProcess.Launch(UnixArguments(path, noSupervisor));

        Assert.Equal(1, await server.WaitForExitAsync(Patience));
        Assert.Contains("a file that is not a socket is there, and is left alone", server.Log, StringComparison.Ordinal);
        Assert.Equal("DEBUG = False\n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnixSocketPath_InADirectoryThatIsNotThere_IsRefusedNamingTheDirectory(bool noSupervisor)
    {
        using var dir = new TempDirectoryTree();
        var missing = dir.PathOf("run/akkawsgi");

        using var server = ServerProcess.Launch(UnixArguments(Path.Combine(missing, "site.sock"), noSupervisor));

        Assert.Equal(1, await server.WaitForExitAsync(Patience));
        Assert.Contains($"the directory {missing} does not exist", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Cannot assign requested address", server.Log, StringComparison.Ordinal);
    }

    private static List<string> UnixArguments(string path, bool noSupervisor)
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 1);
        arguments[arguments.IndexOf("127.0.0.1:0")] = $"unix:{path}";
        if (noSupervisor)
        {
            arguments.Add("--no-supervisor");
        }

        return arguments;
    }

    [Fact]
    public async Task SystemdActivation_ServesTheHandedOverSocketInsteadOfTheDefaultAddress()
    {
        var start = new ProcessStartInfo(PythonInstalls.Default)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(RepoPaths.AppsDir, "activate.py"), "dotnet", RepoPaths.ServerDll, "--module", "conformance",
            "--chdir", RepoPaths.AppsDir, "--workers", "1", "--python", PythonInstalls.Default,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var log = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data?.Contains("ready on", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var port = int.Parse((await process.StandardOutput.ReadLineAsync().WaitAsync(Patience))!.Split(' ')[1],
                System.Globalization.CultureInfo.InvariantCulture);
            await ready.Task.WaitAsync(Patience);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Patience };

            using var response = await http.GetAsync(new Uri("/interpreter", UriKind.Relative));

            Assert.True(response.IsSuccessStatusCode, log.ToString());
            lock (log)
            {
                Assert.DoesNotContain(":8000", log.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(Patience);
        }
    }
}
