using System.Globalization;
using System.Text;

namespace AkkaWsgi.Http.Hosting;

/// <summary>
/// Joins the Prometheus text of several worker processes into one exposition: each sample gains a
/// <c>worker_process</c> label naming its process's slot, and each metric family keeps one HELP and TYPE line with the
/// samples of every process under it (the text format wants a family's samples together).
/// </summary>
internal static class PrometheusMerge
{
    public const string Label = "worker_process";

    /// <param name="sources">Each slot with its /metrics text, or null where the process did not answer.</param>
    public static string Merge(IReadOnlyList<(int Slot, string? Text)> sources)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var order = new List<Family>();
        foreach (var (slot, text) in sources)
        {
            if (text is null)
            {
                continue;
            }

            Family? current = null;
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line == "# EOF")
                {
                    continue;
                }

                if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var name = line[7..].Split(' ', 2)[0];
                    current = Find(name);
                    if (line[2] == 'H')
                    {
                        current.Help ??= line;
                    }
                    else
                    {
                        current.Type ??= line;
                    }

                    continue;
                }

                if (line[0] == '#')
                {
                    continue; // a comment of no meaning to a scraper
                }

                (current ?? Find(SampleName(line))).Samples.Add(WithSlot(line, slot));
            }
        }

        var up = Find("akkawsgi_worker_process_up");
        up.Help = "# HELP akkawsgi_worker_process_up Whether the worker process answered this scrape (1) or not (0)";
        up.Type = "# TYPE akkawsgi_worker_process_up gauge";
        foreach (var (slot, text) in sources)
        {
            up.Samples.Add(string.Create(CultureInfo.InvariantCulture, $"akkawsgi_worker_process_up{{{Label}=\"{slot}\"}} {(text is null ? 0 : 1)}"));
        }

        var output = new StringBuilder();
        foreach (var family in order)
        {
            if (family.Help is not null)
            {
                output.Append(family.Help).Append('\n');
            }

            if (family.Type is not null)
            {
                output.Append(family.Type).Append('\n');
            }

            foreach (var sample in family.Samples)
            {
                output.Append(sample).Append('\n');
            }
        }

        return output.ToString();

        Family Find(string name)
        {
            if (!families.TryGetValue(name, out var family))
            {
                family = new Family();
                families[name] = family;
                order.Add(family);
            }

            return family;
        }
    }

    private static string SampleName(string line)
    {
        var end = line.IndexOfAny(['{', ' ']);
        return end < 0 ? line : line[..end];
    }

    /// <summary>The sample with the slot as its first label.</summary>
    private static string WithSlot(string line, int slot)
    {
        var name = SampleName(line);
        var label = string.Create(CultureInfo.InvariantCulture, $"{Label}=\"{slot}\"");
        if (line.Length > name.Length && line[name.Length] == '{')
        {
            var rest = line[(name.Length + 1)..];
            return rest.StartsWith('}') ? $"{name}{{{label}{rest}" : $"{name}{{{label},{rest}";
        }

        return $"{name}{{{label}}}{line[name.Length..]}";
    }

    private sealed class Family
    {
        public string? Help { get; set; }

        public string? Type { get; set; }

        public List<string> Samples { get; } = [];
    }
}
