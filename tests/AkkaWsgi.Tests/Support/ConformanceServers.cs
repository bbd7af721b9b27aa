namespace AkkaWsgi.Tests.Support;

/// <summary>
/// Shares one server running tests/apps/conformance.py per interpreter across every class in the
/// <see cref="ConformanceSuite"/>: starting embedded CPython costs about a second, and the
/// app keys its per-test state by a token so tests do not see each other's requests. A server
/// that died (a crash is itself a failure some test reports) is started again for the next test.
/// </summary>
public sealed class ConformanceServers : IDisposable
{
    /// <summary>Enough workers that a test can hold some busy and still reach the app.</summary>
    public const int Workers = 8;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ServerProcess> _servers = new(StringComparer.Ordinal);

    public async Task<ServerProcess> ForAsync(string python)
    {
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(90)))
        {
            throw new TimeoutException("another test held the server start-up lock for 90 s");
        }

        try
        {
            if (_servers.TryGetValue(python, out var running))
            {
                if (!running.HasExited)
                {
                    return running;
                }

                running.Dispose();
                _servers.Remove(python);
            }

            var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("conformance", python, Workers));
            _servers[python] = server;
            return server;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers.Values)
        {
            server.Dispose();
        }

        _servers.Clear();
        _gate.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ConformanceSuite : ICollectionFixture<ConformanceServers>
{
    public const string Name = "conformance servers";
}
