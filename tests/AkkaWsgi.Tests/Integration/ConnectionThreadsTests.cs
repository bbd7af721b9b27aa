using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>
/// Where the executable runs the connection side: inline on the socket threads with a completion thread of its own by
/// default, on the thread pool when the environment turns inline socket completions off. Both serve.
/// </summary>
public sealed class ConnectionThreadsTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    // Thread names are cut to 15 characters by the kernel: "akkawsgi.complete".
    private const string CompletionThread = "akkawsgi.comple";

    [Fact]
    public async Task ByDefault_RequestsAreFinishedOnTheServersCompletionThread()
    {
        var threads = await ThreadsWhileServingAsync(inlineSetting: null);

        Assert.Contains(CompletionThread, threads);
    }

    [Fact]
    public async Task WithInlineCompletionsTurnedOff_TheThreadPoolFinishesThem()
    {
        var threads = await ThreadsWhileServingAsync(inlineSetting: "0");

        Assert.DoesNotContain(CompletionThread, threads);
    }

    /// <summary>Serves a few requests with the variable as given (null: unset) and returns the server's thread names.</summary>
    private static async Task<List<string>> ThreadsWhileServingAsync(string? inlineSetting)
    {
        using var server = await ServerProcess.StartAsync(
            [.. ServerProcess.AppArguments("conformance", PythonInstalls.Default, workers: 2), "--no-supervisor"],
            new Dictionary<string, string?> { [Variable] = inlineSetting });
        for (var i = 0; i < 3; i++)
        {
            var reply = await TestHttp.GetJsonAsync(server, "/thread-local");
            Assert.True(reply["count"]!.GetValue<int>() >= 1, reply.ToJsonString());
        }

        return [.. Directory.GetDirectories($"/proc/{server.ProcessId}/task")
            .Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())];
    }
}
