using System.Text.Json;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary><c>--log-format json</c>: every line the server writes, from start to stop, is one JSON object.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task EveryLineOfARun_IsAJsonObject_AndAccessLinesCarryTheirFields()
    {
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--log-format", "json", "--access-log", "--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/interpreter?x=1", UriKind.Relative)))
        {
            request.Headers.UserAgent.ParseAdd("json-test/1.0");
            (await http.SendAsync(request)).Dispose();
        }

        server.SendSignal(10); // SIGUSR1: a multi-line report of every worker
        server.SendSignal(12); // SIGUSR2: the counters
        Assert.True(await server.WaitForLogAsync("SIGUSR2 counters", TimeSpan.FromSeconds(10)), server.Log);
        Assert.True(await server.WaitForLogAsync("SIGUSR1: what the", TimeSpan.FromSeconds(10)), server.Log);
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var records = Records(server.Log);
        Assert.All(records, r =>
        {
            Assert.True(r.TryGetProperty("Timestamp", out _));
            Assert.True(r.TryGetProperty("LogLevel", out _));
            Assert.True(r.TryGetProperty("Category", out _));
            Assert.True(r.TryGetProperty("Message", out _));
        });
        var access = Assert.Single(records, r => r.GetProperty("Category").GetString() == "akkawsgi.access").GetProperty("State");
        Assert.Equal("GET", access.GetProperty("Method").GetString());
        Assert.Equal("/interpreter", access.GetProperty("Path").GetString());
        Assert.Equal(200, access.GetProperty("Status").GetInt32());
        Assert.True(access.GetProperty("Bytes").GetInt64() > 0);
        Assert.True(access.GetProperty("DurationSeconds").GetDouble() > 0);
        Assert.Equal("127.0.0.1", access.GetProperty("ClientAddress").GetString());
        Assert.Equal("json-test/1.0", access.GetProperty("UserAgent").GetString());
        Assert.False(string.IsNullOrEmpty(access.GetProperty("RequestId").GetString()));
        Assert.Contains(records, r => r.GetProperty("Message").GetString()!.Contains("ready on", StringComparison.Ordinal));

        // Worker processes name themselves on every line, as the text format's [worker N pid P] does; the supervisor
        // does not need to.
        var tagged = records.Where(r => r.TryGetProperty("Scopes", out _)).Select(r => r.GetProperty("Scopes")[0]).ToList();
        Assert.NotEmpty(tagged);
        Assert.All(tagged, t => Assert.NotEqual(server.ProcessId, t.GetProperty("Pid").GetInt32()));
        Assert.Equal([0, 1], tagged.Select(t => t.GetProperty("WorkerProcess").GetInt32()).Distinct().Order());
        var accessTag = Assert.Single(records, r => r.GetProperty("Category").GetString() == "akkawsgi.access").GetProperty("Scopes")[0];
        Assert.Equal($"worker {accessTag.GetProperty("WorkerProcess").GetInt32()} pid {accessTag.GetProperty("Pid").GetInt32()}",
            accessTag.GetProperty("Message").GetString());
        Assert.All(records.Where(r => r.GetProperty("Category").GetString() == "akkawsgi.supervisor"),
            r => Assert.False(r.TryGetProperty("Scopes", out _)));
    }

    [Fact]
    public async Task WhatTheApplicationPrints_BecomesRecords_ALineEach_EvenFromThreadsAtOnce()
    {
        var arguments = ServerProcess.AppArguments("printing", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--log-format", "json"]);
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);
        Assert.Equal("printed", await http.GetStringAsync(new Uri("/", UriKind.Relative)));
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var messages = Records(server.Log).Where(r => r.GetProperty("Category").GetString() == "akkawsgi.app")
            .Select(r => r.GetProperty("Message").GetString()!).ToList();
        Assert.Contains("stdout: printed at import", messages);
        Assert.Contains("stdout: to stdout in two parts", messages);
        Assert.Contains("stderr: to stderr", messages);
        Assert.Contains("stdout: bytes, ünïcode", messages);
        Assert.Contains("stdout: no newline yet, then one", messages);
        var threadLines = messages.Where(m => m.Contains("thread", StringComparison.Ordinal)).ToList();
        Assert.Equal(100, threadLines.Count);
        Assert.All(threadLines, m => Assert.Matches(@"^stdout: thread \d line \d+ of a longer text$", m));
    }

    [Fact]
    public async Task TwoWorkerProcessesLoggingAtOnce_NeverCutIntoEachOthersLines()
    {
        // SIGUSR1 and SIGUSR2 make both worker processes write a record of several hundred bytes at the same moment;
        // written 256 bytes at a time (the runtime's own standard error), about one line in twelve came out broken.
        var arguments = ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--log-format", "json", "--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);
        for (var i = 0; i < 60; i++)
        {
            server.SendSignal(10);
            server.SendSignal(12);
            await Task.Delay(20);
        }

        Assert.True(await server.WaitForLogAsync(l => l.Contains("SIGUSR2 counters", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        server.SendSignal(ServerProcess.SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var lines = server.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var broken = lines.Where(line =>
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.ValueKind != JsonValueKind.Object;
            }
            catch (JsonException)
            {
                return true;
            }
        }).ToList();
        Assert.True(lines.Count(l => l.Contains("SIGUSR1: what the", StringComparison.Ordinal)) >= 60, $"{lines.Length} lines");
        Assert.True(broken.Count == 0, $"{broken.Count} of {lines.Length} lines are not JSON, the first: {broken.FirstOrDefault()}");
    }

    private static List<JsonElement> Records(string log) => log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
    {
        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON object: {line}\n{e.Message}");
        }
    }).ToList();
}
