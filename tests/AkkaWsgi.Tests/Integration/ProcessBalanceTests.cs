using System.Net;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Worker processes share their listening socket and take keep-alive connections in turn.</summary>
public sealed class ProcessBalanceTests
{
    [Fact]
    public async Task KeepAliveConnections_SpreadEvenlyOverTheProcesses()
    {
        var arguments = ServerProcess.AppArguments("cluster", PythonInstalls.Default, workers: 2);
        arguments.AddRange(["--processes", "2"]);
        using var server = await ServerProcess.StartAsync(arguments);

        // Eight connections held open at once, one after the other. By chance (a hash of the addresses, or whichever
        // process was first to accept) four on each happens about one time in four; in turn, every time.
        var clients = new List<HttpClient>();
        try
        {
            var pids = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { Timeout = TimeSpan.FromSeconds(30) };
                clients.Add(client);
                using var response = await client.GetAsync(new Uri(server.BaseUrl, "/pid"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                pids.Add(await response.Content.ReadAsStringAsync());
            }

            var perProcess = pids.GroupBy(p => p).Select(g => g.Count()).ToList();
            Assert.True(perProcess is [4, 4], $"connections per process: {string.Join(", ", pids.GroupBy(p => p).Select(g => $"{g.Key}: {g.Count()}"))}");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
