using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Reads /metrics or /status.json from every worker process's private status socket, in parallel, for the process
/// that answers the public status listener; a process that does not answer in time is reported as such.
/// </summary>
internal sealed class StatusGatherer(StatusPeers peers) : IDisposable
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient client = new(new SocketsHttpHandler
    {
        // The host of a request URI names the slot ("slot-3"); each slot's socket is in the peers' directory.
        ConnectCallback = async (context, cancellation) =>
        {
            var slot = int.Parse(context.DnsEndPoint.Host.AsSpan("slot-".Length), NumberStyles.None, CultureInfo.InvariantCulture);
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(peers.PathOf(slot)), cancellation).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = PeerTimeout,
    };

    public async Task<string> MetricsAsync(CancellationToken cancellation)
    {
        var texts = await GatherAsync("/metrics", cancellation).ConfigureAwait(false);
        return PrometheusMerge.Merge([.. texts.Select(t => (t.Slot, t.Text))]);
    }

    public async Task<JsonObject> StatusAsync(CancellationToken cancellation)
    {
        var texts = await GatherAsync("/status.json", cancellation).ConfigureAwait(false);
        return StatusMerge.Merge([.. texts.Select(t => (t.Slot, t.Text is null ? null : JsonNode.Parse(t.Text) as JsonObject, t.Error))]);
    }

    private Task<(int Slot, string? Text, string? Error)[]> GatherAsync(string path, CancellationToken cancellation) =>
        Task.WhenAll(Enumerable.Range(0, peers.Count).Select(async slot =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://slot-{slot}{path}")));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain")); // the classic text format, not OpenMetrics
                using var response = await client.SendAsync(request, cancellation).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                return (slot, (string?)await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false), (string?)null);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException)
            {
                // Between a worker process's exit and its replacement's start nobody accepts on its socket.
                return (slot, null, e is TaskCanceledException ? "did not answer in time" : "not answering (starting or restarting)");
            }
        }));

    public void Dispose() => client.Dispose();
}
