using System.Diagnostics;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>--python given the shared library itself rather than an interpreter.</summary>
public sealed class PythonLibraryTests
{
    [Fact]
    public async Task PythonFlag_NamingTheSharedLibrary_ServesTheApplication()
    {
        var library = SharedLibraryOf(PythonInstalls.Default);
        var arguments = ServerProcess.AppArguments("conformance", library, workers: 1);
        using var server = await ServerProcess.StartAsync(arguments);

        var json = await TestHttp.GetJsonAsync(server, "/interpreter");

        // libpython3.11.so.1.0 -> "3.11": the library named is the one running the application.
        var version = Path.GetFileName(library)["libpython".Length..].Split(".so")[0];
        Assert.Contains(library, server.Log, StringComparison.Ordinal);
        Assert.Equal(version, json["version"]!.GetValue<string>());
        Assert.True(Directory.Exists(json["prefix"]!.GetValue<string>()), "sys.prefix should be the library's installation");
    }

    private static string SharedLibraryOf(string python)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "import os, sysconfig; v = sysconfig.get_config_var; d = v('LIBDIR');" +
            "print(next(os.path.join(d, n) for n in (v('INSTSONAME'), v('LDLIBRARY')) if n and os.path.exists(os.path.join(d, n))))");
        using var process = Process.Start(start)!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.True(File.Exists(path), $"no shared library found for {python}: '{path}'");
        return path;
    }
}
