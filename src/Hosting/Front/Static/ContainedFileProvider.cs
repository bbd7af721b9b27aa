using AkkaWsgi.Python.Native;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>
/// The files of one static directory, and nothing outside it. PhysicalFileProvider checks containment on the path
/// as written, then opens it following symbolic links, so a link inside the directory would hand out any file the
/// process can read; this one resolves the real path of each file and refuses those that leave the real directory.
/// Links that stay inside are followed. Dot-files and dot-directories, directories themselves, anything else that
/// is not a regular file (FIFOs, sockets, devices), and traversal segments are reported as not found.
/// </summary>
internal sealed class ContainedFileProvider : IFileProvider, IDisposable
{
    private readonly PhysicalFileProvider files;

    public ContainedFileProvider(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Root = RealPath.Resolve(Path.GetFullPath(directory))
            ?? throw new DirectoryNotFoundException($"'{directory}' cannot be resolved (a symbolic link loop?).");
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"'{directory}' is not a directory.");
        }

        files = new PhysicalFileProvider(Root, ExclusionFilters.Sensitive);
    }

    /// <summary>The directory with its symbolic links resolved: every file served lies inside it.</summary>
    public string Root { get; }

    public IFileInfo GetFileInfo(string subpath)
    {
        ArgumentNullException.ThrowIfNull(subpath);
        if (StaticPath.IsTraversal(subpath) || StaticPath.HasHiddenSegment(subpath))
        {
            return new NotFoundFileInfo(subpath);
        }

        var file = files.GetFileInfo(subpath);
        if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
        {
            return new NotFoundFileInfo(subpath);
        }

        // Serve what the real path names, so that the file checked is the file opened, whatever link it came through.
        var real = RealPath.Resolve(file.PhysicalPath);
        if (real is null || !RealPath.IsInside(real, Root) || real.Length == Root.Length)
        {
            return new NotFoundFileInfo(subpath);
        }

        // A FIFO or device would hold the thread that opens it until a writer comes, or stream without end.
        var target = new FileInfo(real);
        return target.Exists && Posix.IsRegularFile(real) ? new PhysicalFileInfo(target) : new NotFoundFileInfo(subpath);
    }

    // Listings are never served: a static map serves named files only.
    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    public void Dispose() => files.Dispose();
}
