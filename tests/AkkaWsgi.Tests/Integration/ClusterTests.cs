using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AkkaWsgi.Tests.Support;
using Xunit.Abstractions;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// Several servers as one cluster, each a separate process on loopback with its own HTTP port: park notifications,
/// blocks and cron across nodes, a node killed outright, and the loopback cluster of --processes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Notify_OnOneNode_WakesRequestsParkedOnEveryNode_WithEachAction()
    {
        using var cluster = await ClusterOf(3);
        using var client = new HttpClient { Timeout = Patience };
        var (notifier, parkers) = (cluster.Nodes[0], cluster.Nodes.Skip(1).ToList());

        // The nodes learn of each other's subscriptions by gossip: wake a first round until it goes through.
        await WarmUpAsync(client, notifier, parkers);

        // retry, with the argument reaching the application on the other nodes.
        var retried = parkers.Select(p => client.GetStringAsync(Url(p, "/park?ch=news&timeout=20"))).ToList();
        await WaitForParkedAsync(client, parkers, 1);
        var clock = Stopwatch.StartNew();
        await client.GetStringAsync(Url(notifier, "/notify?ch=news&action=retry&arg=hello"));
        foreach (var (body, parker) in (await Task.WhenAll(retried)).Zip(parkers))
        {
            Assert.StartsWith("retried arg=hello", body, StringComparison.Ordinal);
            Assert.Contains($"pid={WorkerPid(parker)}", body, StringComparison.Ordinal);
        }

        output.WriteLine($"notify on one node to both responses on the others: {clock.Elapsed.TotalMilliseconds:F1} ms");

        foreach (var (action, expected) in new[] { ("http-204", HttpStatusCode.NoContent), ("http-504", HttpStatusCode.GatewayTimeout) })
        {
            var parked = parkers.Select(p => client.GetAsync(Url(p, "/park?ch=news&timeout=20"))).ToList();
            await WaitForParkedAsync(client, parkers, 1);
            await client.GetStringAsync(Url(notifier, $"/notify?ch=news&action={action}"));
            foreach (var response in await Task.WhenAll(parked))
            {
                Assert.Equal(expected, response.StatusCode);
            }
        }

        // disconnect: the parked connections are closed without a response.
        var raw = new List<RawHttpClient>();
        foreach (var parker in parkers)
        {
            var connection = await RawHttpClient.ConnectAsync(parker.Port);
            raw.Add(connection);
            await connection.SendAsync("GET /park?ch=news&timeout=20 HTTP/1.1\r\nHost: x\r\n\r\n");
        }

        await WaitForParkedAsync(client, parkers, 1);
        await client.GetStringAsync(Url(notifier, "/notify?ch=news&action=disconnect"));
        foreach (var connection in raw)
        {
            Assert.Empty(await connection.ReadUntilCloseAsync(Patience));
            connection.Dispose();
        }
    }

    [Fact]
    public async Task NotifyLatency_AcrossNodes_IsReported()
    {
        using var cluster = await ClusterOf(2);
        using var client = new HttpClient { Timeout = Patience };
        var (notifier, parker) = (cluster.Nodes[0], cluster.Nodes[1]);
        await WarmUpAsync(client, notifier, [parker]);

        var delays = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var parked = client.GetStringAsync(Url(parker, $"/park?ch=lat{i}&timeout=20"));
            await WaitForParkedAsync(client, [parker], 1);
            var clock = Stopwatch.StartNew();
            var notified = client.GetStringAsync(Url(notifier, $"/notify?ch=lat{i}&action=retry&arg={i}"));
            Assert.StartsWith($"retried arg={i}", await parked, StringComparison.Ordinal);
            delays.Add(clock.Elapsed.TotalMilliseconds);
            await notified;
        }

        delays.Sort();
        output.WriteLine($"cross-node notify to woken response, 9 runs: median {delays[4]:F1} ms, min {delays[0]:F1}, max {delays[^1]:F1}");
    }

    [Fact]
    public async Task Block_OnOneNode_RefusesTheClientOnEveryNode()
    {
        using var cluster = await ClusterOf(3);
        using var client = new HttpClient { Timeout = Patience };
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(node, "/pid"))).StatusCode);
        }

        // A short block: a refused request is answered only after a delay of up to the block's remaining time.
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url(cluster.Nodes[0], "/block?s=5"))).StatusCode);
        foreach (var node in cluster.Nodes.Skip(1))
        {
            Assert.True(await node.WaitForLogAsync("blocked 127.0.0.1 for", TimeSpan.FromSeconds(10)), node.Describe());
        }

        output.WriteLine($"the block reached both other nodes within {clock.Elapsed.TotalMilliseconds:F0} ms");
        // Together: each refusal is held until the block (nearly) ends.
        var refused = await Task.WhenAll(cluster.Nodes.Skip(1).Select(node => client.GetAsync(Url(node, "/pid"))));
        Assert.All(refused, response => Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode));
        Assert.All(cluster.Nodes.Skip(1), node => Assert.Contains("as another node of the cluster asked", node.Log, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StatusOfOneNode_ShowsEveryNode_WithWhatEachServed()
    {
        var statusPort = TestPorts.Free();
        using var cluster = await ClusterOf(3, extra: i => i == 0 ? ["--status-socket", $"127.0.0.1:{statusPort}"] : []);
        using var client = new HttpClient { Timeout = Patience };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(cluster.Nodes[2], "/pid"))).StatusCode);
        }

        var report = JsonNode.Parse(await client.GetStringAsync(new Uri($"http://127.0.0.1:{statusPort}/status.json")))!;
        Assert.Equal(WorkerPid(cluster.Nodes[0]), report["process"]!.GetValue<int>());
        var nodes = report["nodes"]!.AsArray();
        Assert.Equal(2, nodes.Count);
        Assert.All(nodes, n => Assert.Null(n!["error"]));
        var pids = nodes.Select(n => n!["status"]!["process"]!.GetValue<int>()).ToList();
        Assert.Equal(new[] { WorkerPid(cluster.Nodes[1]), WorkerPid(cluster.Nodes[2]) }.Order(), pids.Order());
        var third = Assert.Single(nodes, n => n!["status"]!["process"]!.GetValue<int>() == WorkerPid(cluster.Nodes[2]));
        Assert.Equal(3, third!["status"]!["totals"]!["requests"]!.GetValue<int>());
        Assert.Equal(4, third["status"]!["queue"]!["workers"]!.GetValue<int>());
        Assert.Matches(@"^127\.0\.0\.1:\d+$", third["address"]!.GetValue<string>());
        Assert.Null(third["status"]!["nodes"]); // a node asked by another answers for itself only

        // And the page shows them.
        Assert.True(HeadlessBrowser.Available, $"{HeadlessBrowser.Executable} is missing (apt-get install chromium; scripts/test.sh installs it)");
        await using var browser = await HeadlessBrowser.OpenAsync(new Uri($"http://127.0.0.1:{statusPort}/status"), TimeSpan.FromSeconds(60));
        var shown = await browser.WaitForTextAsync(t => t.Contains("Other nodes", StringComparison.Ordinal) &&
            nodes.All(n => t.Contains(n!["address"]!.GetValue<string>(), StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        Assert.True(shown.Met, shown.Text);
    }

    [Fact]
    public async Task Cron_RunsOnOneNode_AndMovesToAnotherWhenThatNodeIsKilled()
    {
        using var stamps = new TempDirectoryTree();
        var file = Path.Combine(stamps.Root, "stamps");
        using var cluster = await ClusterOf(3, new Dictionary<string, string?> { ["AKKAWSGI_TEST_STAMP_FILE"] = file });
        var workers = cluster.Nodes.Select(WorkerPid).ToList();

        Assert.True(await WaitForAsync(() => Task.FromResult(Stamps(file).Count >= 5), Patience), cluster.Describe());
        var runner = Stamps(file).Distinct().Single();
        Assert.Contains(runner, workers);
        var runnerNode = cluster.Nodes[workers.IndexOf(runner)];
        Assert.Contains("cron and timer jobs run on this node", runnerNode.Log, StringComparison.Ordinal);

        // SIGUSR2 lists the members, and says which is this node and which runs cron.
        runnerNode.SendSignal(12);
        Assert.True(await runnerNode.WaitForLogAsync("(up, this node, runs cron)", Patience), runnerNode.Describe());
        Assert.Contains("3 of 3 members up, 0 unreachable", runnerNode.Log, StringComparison.Ordinal);

        // The whole node dies at once, as a machine does: supervisor and worker.
        var clock = Stopwatch.StartNew();
        runnerNode.SendSignal(ServerProcess.SigKill);
        Kill(runner);
        var seen = Stamps(file).Count;
        Assert.True(await WaitForAsync(() => Task.FromResult(Stamps(file).Skip(seen).Any(p => p != runner)), TimeSpan.FromSeconds(45)),
            cluster.Describe());
        output.WriteLine($"cron moved to another node {clock.Elapsed.TotalSeconds:F1} s after its node was killed");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");

        // One runner again, and the dead node removed from the cluster by the others.
        var moved = Stamps(file).Count;
        await Task.Delay(1500);
        Assert.Single(Stamps(file).Skip(moved + 1).Distinct());
        foreach (var node in cluster.Nodes.Where(n => n != runnerNode))
        {
            Assert.Contains("was removed (it stayed unreachable)", node.Log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task KilledNode_LosesOnlyItsOwnRequests_TheOthersKeepServing()
    {
        using var cluster = await ClusterOf(3);
        using var client = new HttpClient { Timeout = Patience };
        var victim = cluster.Nodes[2];
        var failures = 0;
        var answered = 0;
        using var stop = new CancellationTokenSource();
        async Task LoadAsync(ServerProcess node)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(node, "/pid"))).StatusCode);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        var load = cluster.Nodes.Take(2).Select(LoadAsync).ToList();
        await Task.Delay(500);
        victim.SendSignal(ServerProcess.SigKill);
        Kill(WorkerPid(victim));
        foreach (var node in cluster.Nodes.Take(2))
        {
            Assert.True(await node.WaitForLogAsync("was removed (it stayed unreachable)", Patience), node.Describe());
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(answered > 10, $"{answered} answered");
    }

    [Fact]
    public async Task NodeThatStalledAndWasRemoved_StartsAgainAsANewMember_AndServes()
    {
        using var cluster = await ClusterOf(2);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stalled = cluster.Nodes[1];
        var before = WorkerPid(stalled);
        var line = stalled.LineCount;

        // Long enough for the other node to remove it (3 s of silence, then 7 s stable); when it runs again it finds
        // itself removed, and must make way for a fresh member rather than linger outside the cluster.
        ServerProcess.Signal(before, ServerProcess.SigStop);
        try
        {
            Assert.True(await cluster.Nodes[0].WaitForLogAsync("was removed (it stayed unreachable)", Patience), cluster.Describe());
        }
        finally
        {
            ServerProcess.Signal(before, ServerProcess.SigCont);
        }

        var removed = cluster.Nodes[0].LineCount;
        Assert.True(await stalled.WaitForLogAsync(log => WorkerReadyLine().IsMatch(log), Patience, line), stalled.Describe());
        Assert.NotEqual(before, WorkerPid(stalled));
        // Its supervisor says why it went: the worker's own exit status, not a crash's.
        Assert.Contains($"pid {before} exited unexpectedly (exit status 6: removed from the cluster)", stalled.LogSince(line));
        Assert.True(await cluster.Nodes[0].WaitForLogAsync(log => UpCount(log) == 2, Patience, removed), cluster.Describe());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url(stalled, "/pid"))).StatusCode);
    }

    [Fact]
    public async Task TwoProcesses_OnOneMachine_NotifyInOneWakesTheOther()
    {
        var arguments = ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 4);
        arguments.AddRange(["--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var client = new HttpClient { Timeout = Patience };

        // One connection parked in each process: ask each new connection which process it reached first.
        var parked = new Dictionary<string, RawHttpClient>();
        try
        {
            for (var i = 0; i < 64 && parked.Count < 2; i++)
            {
                var connection = await RawHttpClient.ConnectAsync(server.Port);
                await connection.SendAsync("GET /pid HTTP/1.1\r\nHost: x\r\n\r\n");
                var pid = Encoding.ASCII.GetString([.. (await connection.ReadResponseAsync()).Body]);
                if (parked.ContainsKey(pid))
                {
                    connection.Dispose();
                    continue;
                }

                await connection.SendAsync("GET /park?ch=both&timeout=20 HTTP/1.1\r\nHost: x\r\n\r\n");
                parked[pid] = connection;
            }

            Assert.Equal(2, parked.Count);
            var responses = parked.ToDictionary(p => p.Key, p => p.Value.ReadResponseAsync(timeout: Patience));
            var woken = await WaitForAsync(async () =>
            {
                // Until both processes' subscriptions have spread; a notification nobody hears is harmless.
                await client.GetStringAsync(new Uri(server.BaseUrl, "/notify?ch=both&action=retry&arg=x"));
                await Task.Delay(300);
                return responses.Values.All(r => r.IsCompleted);
            }, Patience);
            Assert.True(woken, server.Describe());
            foreach (var (pid, response) in responses)
            {
                Assert.Equal($"retried arg=x pid={pid}", Encoding.ASCII.GetString([.. (await response).Body]));
            }
        }
        finally
        {
            foreach (var connection in parked.Values)
            {
                connection.Dispose();
            }
        }
    }

    [Fact]
    public async Task Tls_NodesWithTheSharedCertificateJoin_ANodeWithAnotherIsKeptOut()
    {
        using var files = new TempDirectoryTree();
        var shared = WriteSelfSigned(files, "shared.pfx", "CN=akkawsgi-cluster");
        var stranger = WriteSelfSigned(files, "stranger.pfx", "CN=akkawsgi-cluster");
        var ports = Enumerable.Range(0, 3).Select(_ => TestPorts.Free()).ToList();
        List<string> Node(int i, string certificate)
        {
            var arguments = ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 2);
            arguments.AddRange(["--cluster-listen", $"127.0.0.1:{ports[i]}", "--cluster-seed", $"127.0.0.1:{ports[0]}",
                "--cluster-certificate", certificate]);
            return arguments;
        }

        using var first = await ServerProcess.StartAsync(Node(0, shared));
        using var second = await ServerProcess.StartAsync(Node(1, shared));
        Assert.True(await first.WaitForLogAsync(log => UpCount(log) >= 2, Patience), first.Describe() + second.Describe());
        using var client = new HttpClient { Timeout = Patience };
        await WarmUpAsync(client, first, [second]);

        using var intruder = await ServerProcess.StartAsync(Node(2, stranger));
        Assert.False(await intruder.WaitForLogAsync("is up;", TimeSpan.FromSeconds(8)), intruder.Describe());
        Assert.Equal(2, UpCount(first.Log));
    }

    [Fact]
    public async Task UnusableCertificate_StopsTheServer_SayingWhichFileAndWhy()
    {
        using var files = new TempDirectoryTree();
        var broken = files.Write("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var arguments = ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 1);
        arguments.AddRange(["--cluster-listen", $"127.0.0.1:{TestPorts.Free()}", "--cluster-certificate", broken]);
        using var server = ServerProcess.Launch(arguments);

        Assert.Equal(2, await server.WaitForExitAsync(Patience));
        Assert.Contains($"--cluster-certificate {broken}:", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutClusterFlags_OneProcessOpensNoClusterPort()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 2));
        var worker = WorkerPid(server);

        Assert.Equal([server.Port], ListeningPorts(worker));
        Assert.DoesNotContain("akkawsgi.cluster", server.Log, StringComparison.Ordinal);
    }

    private static string WriteSelfSigned(TempDirectoryTree files, string name, string subject)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(subject, key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(files.Root, name);
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12));
        return path;
    }

    private static async Task WarmUpAsync(HttpClient client, ServerProcess notifier, IReadOnlyList<ServerProcess> parkers)
    {
        var parked = parkers.Select(p => client.GetAsync(Url(p, "/park?ch=warm-up&timeout=25"))).ToList();
        var woken = await WaitForAsync(async () =>
        {
            await client.GetStringAsync(Url(notifier, "/notify?ch=warm-up&action=http-204"));
            await Task.Delay(200);
            return parked.All(p => p.IsCompleted);
        }, Patience);
        Assert.True(woken, string.Join("\n", parkers.Select(p => p.Describe())));
        Assert.All(await Task.WhenAll(parked), r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
    }

    // Parking is asynchronous: a notification sent before the request reached its parking lot would miss it.
    private static async Task WaitForParkedAsync(HttpClient client, IReadOnlyList<ServerProcess> nodes, int count)
    {
        foreach (var node in nodes)
        {
            Assert.True(await WaitForAsync(async () => await ParkedNowAsync(node) >= count, Patience), node.Describe());
        }
    }

    // Only a report written after this signal counts: an earlier one (from the round before) can still say a request
    // is parked when the new one has not reached its parking lot yet, and a notification sent then misses it.
    private static async Task<int> ParkedNowAsync(ServerProcess node)
    {
        var from = node.LineCount;
        node.SendSignal(12); // SIGUSR2: the worker reports its parked count
        if (!await node.WaitForLogAsync(log => ParkedLine().IsMatch(log), TimeSpan.FromSeconds(5), from))
        {
            return 0;
        }

        var matches = ParkedLine().Matches(node.LogSince(from));
        return int.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<Cluster> ClusterOf(int count, IReadOnlyDictionary<string, string?>? environment = null,
        Func<int, IEnumerable<string>>? extra = null)
    {
        var ports = Enumerable.Range(0, count).Select(_ => TestPorts.Free()).ToList();
        var nodes = new List<ServerProcess>();
        var cluster = new Cluster(nodes);
        try
        {
            foreach (var port in ports)
            {
                var arguments = ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 4);
                arguments.AddRange(["--cluster-listen", $"127.0.0.1:{port}", "--cluster-seed", $"127.0.0.1:{ports[0]}"]);
                arguments.AddRange(extra?.Invoke(nodes.Count) ?? []);
                nodes.Add(ServerProcess.Launch(arguments, environment));
            }

            foreach (var node in nodes)
            {
                await node.WaitForReadyAsync(Patience);
            }

            foreach (var node in nodes)
            {
                Assert.True(await node.WaitForLogAsync(log => UpCount(log) >= count, Patience), cluster.Describe());
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private static int UpCount(string log) =>
        NodesUpLine().Matches(log).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static Uri Url(ServerProcess node, string target) => new(node.BaseUrl, target);

    private static int WorkerPid(ServerProcess node) =>
        int.Parse(WorkerReadyLine().Matches(node.Log)[^1].Groups[1].Value, CultureInfo.InvariantCulture);

    private static List<int> Stamps(string file) =>
        File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))] : [];

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }


    // The TCP ports process PID listens on, from its socket descriptors and the kernel's socket tables.
    private static List<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target?.StartsWith("socket:[", StringComparison.Ordinal) == true)
                {
                    inodes.Add(target[8..^1]);
                }
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        var ports = new List<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == "0A" && inodes.Contains(fields[9])) // 0A: LISTEN
                {
                    ports.Add(int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. ports.Distinct().Order()];
    }

    [GeneratedRegex(@"cluster: (?:this node \([^)]*\) is up|node \S+ joined); nodes up: (\d+)")]
    private static partial Regex NodesUpLine();

    [GeneratedRegex(@"\[worker \d+ pid (\d+)\] akkawsgi: worker ready")]
    private static partial Regex WorkerReadyLine();

    [GeneratedRegex(@"\bparked=(\d+)")]
    private static partial Regex ParkedLine();

    private sealed class Cluster(List<ServerProcess> nodes) : IDisposable
    {
        public List<ServerProcess> Nodes => nodes;

        public string Describe() => string.Join("\n", nodes.Select(n => n.Describe()));

        public void Dispose()
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }
}
