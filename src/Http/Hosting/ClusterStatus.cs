using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using AkkaWsgi.Actors.Cluster;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// The other nodes' status for a node's /status.json: every member that is up is asked in parallel; one that does
/// not answer in time is listed with the reason.
/// </summary>
internal static class ClusterStatus
{
    public static async Task<JsonArray> GatherAsync(ActorSystem system, TimeSpan timeout)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var others = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress))
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .ToList();
        var answers = await Task.WhenAll(others.Select(async member =>
        {
            var node = new JsonObject { ["address"] = $"{member.Address.Host}:{member.Address.Port}" };
            try
            {
                var reply = await system.ActorSelection(NodeStatusResponder.Path(member.Address))
                    .Ask<NodeStatus>(GetNodeStatus.Instance, timeout).ConfigureAwait(false);
                node["status"] = JsonNode.Parse(reply.Json);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException or System.Text.Json.JsonException)
            {
                node["error"] = e is System.Text.Json.JsonException ? "answered with malformed status" : "did not answer in time";
            }

            return (JsonNode)node;
        })).ConfigureAwait(false);
        return [.. answers];
    }
}
