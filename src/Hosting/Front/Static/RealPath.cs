namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>
/// POSIX realpath(3) in managed code: the absolute path of a file with every symbolic link along it resolved, so
/// that where a path really leads can be compared with a directory. A <c>..</c> after a link climbs from the link's
/// target, as the kernel does, not from where the link sits.
/// </summary>
internal static class RealPath
{
    // Linux gives up after 40 links in one lookup (MAXSYMLINKS, ELOOP); so does this.
    private const int MaxLinks = 40;

    /// <summary>The resolved path, or null when a link loops or cannot be read.</summary>
    /// <param name="path">An absolute Unix path.</param>
    public static string? Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));
        }

        var pending = new Stack<string>();
        PushSegments(pending, path);
        var resolved = "/";
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var candidate = Path.Join(resolved, segment);
            string? target;
            try
            {
                target = new FileInfo(candidate).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            if (target is null)
            {
                resolved = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            PushSegments(pending, target);
            if (target.StartsWith('/'))
            {
                resolved = "/";
            }
        }

        return resolved;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or lies inside it (both resolved).</summary>
    public static bool IsInside(string path, string directory)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(directory);
        if (directory == "/")
        {
            return path.StartsWith('/');
        }

        return path.StartsWith(directory, StringComparison.Ordinal)
            && (path.Length == directory.Length || path[directory.Length] == '/');
    }

    // Pushed last segment first, so that the first one is popped next.
    private static void PushSegments(Stack<string> pending, string path)
    {
        var segments = path.Split('/');
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            pending.Push(segments[i]);
        }
    }
}
