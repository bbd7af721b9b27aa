using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AkkaWsgi.Http.CommandLine;

/// <summary>
/// The parser's errors as a person wants them: a misspelt flag with the flag it probably meant (and the value after it
/// not reported again), and a value of the wrong kind named in words rather than as a .NET type.
/// </summary>
internal static partial class UsageErrors
{
    public static IEnumerable<string> Describe(ParseResult parse, RootCommand root)
    {
        var flags = root.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var unknownFlags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var error in parse.Errors)
        {
            if (Unrecognized().Match(error.Message) is { Success: true } unrecognized)
            {
                var token = unrecognized.Groups[1].Value;
                if (token.StartsWith('-'))
                {
                    unknownFlags.Add(token);
                    var name = token.Split('=')[0];
                    yield return Closest(name, flags) is { } meant
                        ? $"unknown flag {name}: did you mean {meant}?"
                        : $"unknown flag {name}";
                    continue;
                }

                // The value a misspelt flag was given is not a second mistake.
                var at = tokens.IndexOf(token);
                if (at > 0 && unknownFlags.Contains(tokens[at - 1]))
                {
                    continue;
                }

                yield return $"unexpected argument '{token}' (every value follows its flag, such as --workers 4)";
                continue;
            }

            if (WrongType().Match(error.Message) is { Success: true } wrong)
            {
                var (value, flag, type) = (wrong.Groups[1].Value, wrong.Groups[2].Value, wrong.Groups[3].Value);
                yield return WholeNumber().IsMatch(value) && Range(type) is { } range
                    ? $"{flag} {value}: too {(value.StartsWith('-') ? $"small (at least {range.Min})" : $"large (at most {range.Max})")}"
                    : $"{flag} {value}: expected {Kind(type)}";
                continue;
            }

            if (Required().Match(error.Message) is { Success: true } required)
            {
                yield return required.Groups[1].Value == "--module"
                    ? "no application given: --module MODULE[:CALLABLE] names the WSGI application, such as --module mysite.wsgi " +
                      "or --module app:app"
                    : $"{required.Groups[1].Value} is required";
                continue;
            }

            if (MissingValue().Match(error.Message) is { Success: true } missing)
            {
                yield return $"{missing.Groups[1].Value} needs a value after it";
                continue;
            }

            yield return error.Message;
        }
    }

    private static string Kind(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int64]" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Double" => "a number",
        "System.Boolean" => "true or false",
        _ => "a different kind of value",
    };

    // A whole number the type cannot hold: "expected a whole number" would send the reader looking for a typo.
    private static (string Min, string Max)? Range(string type) => type switch
    {
        "System.Int32" or "System.Nullable`1[System.Int32]" =>
            (int.MinValue.ToString(CultureInfo.InvariantCulture), int.MaxValue.ToString(CultureInfo.InvariantCulture)),
        "System.Int64" or "System.Nullable`1[System.Int64]" =>
            (long.MinValue.ToString(CultureInfo.InvariantCulture), long.MaxValue.ToString(CultureInfo.InvariantCulture)),
        _ => null,
    };

    // The flag at most two edits away, if there is one and only one nearest.
    private static string? Closest(string given, IReadOnlyList<string> flags)
    {
        var ranked = flags.Select(f => (Flag: f, Distance: Distance(given, f))).Where(x => x.Distance <= 2).OrderBy(x => x.Distance).ToList();
        return ranked.Count > 0 && (ranked.Count == 1 || ranked[0].Distance < ranked[1].Distance) ? ranked[0].Flag : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    [GeneratedRegex("^Unrecognized command or argument '(.*)'\\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex("^Option '(.*)' is required\\.?$")]
    private static partial Regex Required();

    [GeneratedRegex("^Required argument missing for option: '(.*)'\\.?$")]
    private static partial Regex MissingValue();

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex("^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\\.?$")]
    private static partial Regex WrongType();
}
