using System.Globalization;

namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>A <c>--priority-prefix</c>: requests whose path starts with <see cref="Prefix"/> get <see cref="Weight"/> added to their priority.</summary>
/// <param name="Prefix">A path prefix, starting with '/', compared ordinally against the raw request path.</param>
/// <param name="Weight">Added to the priority of matching requests; negative to demote them.</param>
public sealed record PriorityPrefix(string Prefix, int Weight)
{
    public string Prefix { get; } = Prefix is ['/', ..]
        ? Prefix
        : throw new ArgumentException($"A priority prefix must start with '/', not '{Prefix}'.", nameof(Prefix));

    /// <summary>Reads the command-line form <c>/export=-3000</c>.</summary>
    /// <exception cref="FormatException">The text is not a path prefix, '=', and a whole number.</exception>
    public static PriorityPrefix Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // The weight cannot contain '=', the path can: the last '=' is the separator.
        var separator = text.LastIndexOf('=');
        if (separator < 0)
        {
            throw new FormatException($"Priority prefix '{text}' has no '=': expected PREFIX=WEIGHT, such as /export=-3000.");
        }

        var prefix = text[..separator];
        var weight = text[(separator + 1)..];
        if (prefix.Length == 0)
        {
            throw new FormatException($"Priority prefix '{text}' has an empty prefix: expected PREFIX=WEIGHT, such as /export=-3000.");
        }

        if (prefix[0] != '/')
        {
            throw new FormatException($"Priority prefix '{text}' does not start with '/': it is matched against the request path.");
        }

        if (!int.TryParse(weight, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"Priority prefix '{text}' has weight '{weight}', which is not a whole number (such as -3000 or 500).");
        }

        return new PriorityPrefix(prefix, value);
    }

    /// <summary>The command-line form, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}={Weight}");
}
