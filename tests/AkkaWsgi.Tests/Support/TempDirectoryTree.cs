using System.IO.Compression;
using System.Text;

namespace AkkaWsgi.Tests.Support;

/// <summary>A directory tree under the temporary directory for file-serving tests, removed (links, not their targets) on dispose.</summary>
public sealed class TempDirectoryTree : IDisposable
{
    public TempDirectoryTree()
    {
        Root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "akkawsgi-tests-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    public string Write(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes <paramref name="relative"/>.gz beside the file, gzip-compressed.</summary>
    public void WriteGzip(string relative, string content) =>
        Write(relative + ".gz", Compress(content, s => new GZipStream(s, CompressionLevel.Optimal)));

    /// <summary>Writes <paramref name="relative"/>.br beside the file, brotli-compressed.</summary>
    public void WriteBrotli(string relative, string content) =>
        Write(relative + ".br", Compress(content, s => new BrotliStream(s, CompressionLevel.Optimal)));

    /// <summary>Makes <paramref name="relative"/> a symbolic link to <paramref name="target"/> (relative to the link's directory, or absolute).</summary>
    public void Link(string relative, string target)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    /// <summary>Makes <paramref name="relative"/> a FIFO (named pipe), which blocks whoever opens it for reading until a writer comes.</summary>
    public string Fifo(string relative)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        return mkfifo.ExitCode == 0 ? path : throw new IOException($"mkfifo {path} exited with {mkfifo.ExitCode}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static byte[] Compress(string content, Func<Stream, Stream> compressor)
    {
        using var buffer = new MemoryStream();
        using (var stream = compressor(buffer))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
        }

        return buffer.ToArray();
    }
}
