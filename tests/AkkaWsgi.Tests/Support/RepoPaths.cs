namespace AkkaWsgi.Tests.Support;

/// <summary>Locates the repository from wherever the test assembly was built.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>The Python applications the integration and end-to-end tests serve.</summary>
    public static string AppsDir => Path.Combine(Root, "tests", "apps");

    /// <summary>
    /// The server entry point: <c>AKKAWSGI_DLL</c> lets a run target a build made elsewhere
    /// (another artifacts path); otherwise the project reference copies it beside the tests.
    /// </summary>
    public static string ServerDll
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("AKKAWSGI_DLL");
            return string.IsNullOrEmpty(fromEnv)
                ? Path.Combine(AppContext.BaseDirectory, "akkawsgi.dll")
                : Path.GetFullPath(fromEnv);
        }
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AkkaWsgi.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        // A test assembly built outside the tree still needs the apps and names the tree itself.
        var fromEnv = Environment.GetEnvironmentVariable("AKKAWSGI_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(Path.Combine(fromEnv, "AkkaWsgi.sln")))
        {
            return Path.GetFullPath(fromEnv);
        }

        throw new InvalidOperationException(
            $"AkkaWsgi.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}");
    }
}
