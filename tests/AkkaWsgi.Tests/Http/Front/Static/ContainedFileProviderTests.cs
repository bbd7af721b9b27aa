using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Front.Static;

/// <summary>
/// Containment of one static directory. Several cases would be served by the framework's PhysicalFileProvider
/// alone (links out, dot-directories, <c>..</c> that stays inside, names with a backslash); each test sets up the
/// file that would leak, so it fails if the check goes.
/// </summary>
public sealed class ContainedFileProviderTests : IDisposable
{
    private readonly TempDirectoryTree tree = new();
    private readonly ContainedFileProvider files;

    public ContainedFileProviderTests()
    {
        tree.Write("secret.txt", "top secret");
        tree.Write("outside/secret.txt", "top secret");
        tree.Write("site/style.css", "body {}");
        tree.Write("site/sub/page.html", "<p>");
        files = new ContainedFileProvider(tree.PathOf("site"));
    }

    [Fact]
    public void GetFileInfo_FileInside_IsFound()
    {
        var file = files.GetFileInfo("/style.css");

        Assert.True(file.Exists);
        Assert.Equal(7, file.Length);
    }

    [Fact]
    public void GetFileInfo_Missing_IsNotFound()
    {
        Assert.False(files.GetFileInfo("/nope.css").Exists);
    }

    [Fact]
    public void GetFileInfo_Directory_IsNotFound()
    {
        Assert.False(files.GetFileInfo("/sub").Exists);
    }

    [Fact]
    public void GetFileInfo_Fifo_IsNotFound_AndALinkToOneIsNotFoundEither()
    {
        tree.Fifo("site/pipe");
        tree.Link("site/pipe-link", "pipe");

        Assert.False(files.GetFileInfo("/pipe").Exists);
        Assert.False(files.GetFileInfo("/pipe-link").Exists);
    }

    [Fact]
    public void GetFileInfo_UnixSocket_IsNotFound()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream,
            System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(tree.PathOf("site/app.sock")));

        Assert.False(files.GetFileInfo("/app.sock").Exists);
    }

    [Fact]
    public void GetFileInfo_CharacterDevice_IsNotFound()
    {
        tree.Link("site/zero", "/dev/zero");
        using var inside = new ContainedFileProvider("/dev");

        Assert.False(inside.GetFileInfo("/zero").Exists);
        Assert.False(inside.GetFileInfo("/null").Exists);
    }

    [Fact]
    public void GetFileInfo_SymlinkToAFileOutside_IsNotFound()
    {
        tree.Link("site/escape.txt", "../secret.txt");

        Assert.False(files.GetFileInfo("/escape.txt").Exists);
    }

    [Fact]
    public void GetFileInfo_AbsoluteSymlinkOutside_IsNotFound()
    {
        tree.Link("site/escape.txt", tree.PathOf("secret.txt"));

        Assert.False(files.GetFileInfo("/escape.txt").Exists);
    }

    [Fact]
    public void GetFileInfo_ThroughASymlinkedDirectoryOutside_IsNotFound()
    {
        tree.Link("site/out", "../outside");

        Assert.False(files.GetFileInfo("/out/secret.txt").Exists);
    }

    [Fact]
    public void GetFileInfo_SymlinkWhoseDotDotClimbsFromALinkedDirectory_IsNotFound()
    {
        // Written out, site/out/../secret.txt is site/secret.txt, inside; but "out" leads to outside/, and the kernel
        // climbs from there, to the tree's own secret.txt.
        tree.Link("site/out", "../outside");
        tree.Link("site/hop.txt", "out/../secret.txt");

        Assert.Equal("top secret", File.ReadAllText(tree.PathOf("site/hop.txt")));
        Assert.False(files.GetFileInfo("/hop.txt").Exists);
    }

    [Fact]
    public void GetFileInfo_SymlinkInside_IsFoundAndDescribesTheTarget()
    {
        tree.Link("site/alias.css", "style.css");
        tree.Link("site/pages", "sub");

        var alias = files.GetFileInfo("/alias.css");
        var page = files.GetFileInfo("/pages/page.html");

        Assert.True(alias.Exists);
        Assert.Equal(tree.PathOf("site/style.css"), alias.PhysicalPath);
        Assert.True(page.Exists);
        Assert.Equal(tree.PathOf("site/sub/page.html"), page.PhysicalPath);
    }

    [Fact]
    public void GetFileInfo_DirectoryGivenThroughASymlink_ContainsByTheRealPath()
    {
        tree.Link("site-link", "site");
        using var linked = new ContainedFileProvider(tree.PathOf("site-link"));

        Assert.True(linked.GetFileInfo("/style.css").Exists);
        Assert.Equal(tree.PathOf("site"), linked.Root);
    }

    [Theory]
    [InlineData("/../secret.txt")]
    [InlineData("/sub/../style.css")]
    [InlineData("/sub/../../secret.txt")]
    public void GetFileInfo_DotDot_IsNotFound(string subpath)
    {
        Assert.False(files.GetFileInfo(subpath).Exists);
    }

    [Fact]
    public void GetFileInfo_Backslash_IsNotFoundEvenWhenSuchANameExists()
    {
        // On Linux a backslash is an ordinary character, so this file really exists under that name; the framework
        // refuses a backslash only where it would climb above the root (..\\), this one is refused anywhere.
        tree.Write("site/sub\\page.html", "<p>");

        Assert.False(files.GetFileInfo("/sub\\page.html").Exists);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData(".git/config")]
    public void GetFileInfo_DotFilesAndDotDirectories_AreNotFound(string name)
    {
        tree.Write("site/" + name, "password");

        Assert.False(files.GetFileInfo("/" + name).Exists);
    }

    public void Dispose()
    {
        files.Dispose();
        tree.Dispose();
    }
}
