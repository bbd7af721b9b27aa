namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>A <c>--static-map</c>: requests whose path is <see cref="Prefix"/> or lies under it are looked up in <see cref="Directory"/>.</summary>
/// <param name="Prefix">A path prefix without a trailing '/', matched on whole segments; empty for the root ("/").</param>
/// <param name="Directory">The absolute directory the files come from.</param>
internal sealed record StaticMapping(string Prefix, string Directory)
{
    /// <summary>Reads the command-line form <c>/static=/srv/site/static</c>; a relative DIR is taken from the current directory.</summary>
    /// <exception cref="FormatException">The text is not a prefix starting with '/', '=', and a directory.</exception>
    public static StaticMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // A URL prefix has no reason to contain '=', a directory might: the first '=' is the separator.
        var separator = text.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            throw new FormatException($"'{text}' has no '=': expected PREFIX=DIR, such as /static=/srv/site/static.");
        }

        var prefix = text[..separator];
        var directory = text[(separator + 1)..];
        if (prefix is not ['/', ..])
        {
            throw new FormatException($"prefix '{prefix}' does not start with '/': it is matched against the request path.");
        }

        if (prefix.Contains('\\', StringComparison.Ordinal) || prefix.Split('/').Any(s => s is "." or ".."))
        {
            throw new FormatException($"prefix '{prefix}' contains '.', '..' or '\\' segments, which no request path is matched with.");
        }

        if (directory.Length == 0)
        {
            throw new FormatException($"'{text}' has an empty directory: expected PREFIX=DIR, such as /static=/srv/site/static.");
        }

        return new StaticMapping(prefix.TrimEnd('/'), Path.GetFullPath(directory));
    }

    /// <summary>Whether <paramref name="path"/> is the prefix or lies under it.</summary>
    public bool Covers(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        return path.Length == Prefix.Length ? Prefix.Length > 0 : path[Prefix.Length] == '/';
    }

    /// <summary>The command-line form, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => $"{(Prefix.Length == 0 ? "/" : Prefix)}={Directory}";
}
