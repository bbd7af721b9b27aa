namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>What a path below a static prefix may contain before any file is looked up.</summary>
internal static class StaticPath
{
    /// <summary>
    /// True for a path that tries to climb out of its directory: a <c>..</c> segment (the caller decodes
    /// <c>%2e%2e</c> and <c>%2f</c> first), a backslash (a separator on Windows, and in the paths some clients and
    /// proxies rewrite), or a NUL (which ends a path in every C library below us).
    /// </summary>
    public static bool IsTraversal(ReadOnlySpan<char> path)
    {
        if (path.ContainsAny('\\', '\0'))
        {
            return true;
        }

        foreach (var range in path.Split('/'))
        {
            if (path[range] is "..")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when a segment names a dot-file or dot-directory (<c>.env</c>, <c>.git/config</c>). The framework's
    /// PhysicalFileProvider hides only a dot-prefixed last segment, which would still serve <c>.git/config</c>.
    /// A lone <c>.</c> is not hidden: it names the directory it is in.
    /// </summary>
    public static bool HasHiddenSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is ['.', _, ..])
            {
                return true;
            }
        }

        return false;
    }
}
