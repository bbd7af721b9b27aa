using System.Text.Json.Nodes;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Joins the /status.json of several worker processes into one of the same shape: every worker listed with its
/// process's slot, counts added up, and a <c>processes</c> list saying which process answered.
/// </summary>
internal static class StatusMerge
{
    // Sections whose numbers add up across processes. Blocked clients do not: every process holds the same list.
    private static readonly string[] Summed = ["queue", "totals", "parked", "page_cache", "blocked"];

    /// <param name="sources">Each slot with its status, or the reason it has none.</param>
    public static JsonObject Merge(IReadOnlyList<(int Slot, JsonObject? Status, string? Error)> sources)
    {
        var answered = sources.Where(s => s.Status is not null).ToList();
        var first = answered.Select(s => s.Status!).FirstOrDefault();
        var merged = new JsonObject
        {
            ["application"] = first?["application"]?.DeepClone(),
            ["python"] = first?["python"]?.DeepClone(),
            ["processes"] = new JsonArray([.. sources.Select(s => (JsonNode)new JsonObject
            {
                ["slot"] = s.Slot,
                ["process"] = s.Status?["process"]?.DeepClone(),
                ["error"] = s.Status is null ? s.Error : null,
            })]),
            ["workers"] = new JsonArray([.. answered.SelectMany(s => (s.Status!["workers"] as JsonArray ?? []).Select(w =>
            {
                var worker = w!.DeepClone().AsObject();
                worker["process_slot"] = s.Slot;
                return (JsonNode)worker;
            }))]),
        };

        foreach (var section in Summed)
        {
            var total = new JsonObject();
            foreach (var (_, status, _) in answered)
            {
                if (status![section] is not JsonObject part)
                {
                    continue;
                }

                foreach (var (name, value) in part)
                {
                    if (value is JsonValue number && number.TryGetValue<double>(out var x))
                    {
                        var sum = total[name] is JsonValue earlier && earlier.TryGetValue<double>(out var y) ? y : 0;
                        total[name] = section == "blocked" && name == "clients" ? Math.Max(sum, x) : sum + x;
                    }
                }
            }

            merged[section] = total;
        }

        // The processes form one loopback cluster and see the same members; one view is enough.
        merged["cluster"] = first?["cluster"]?.DeepClone() ?? new JsonArray();
        return merged;
    }
}
