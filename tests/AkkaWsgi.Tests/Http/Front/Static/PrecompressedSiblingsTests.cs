using AkkaWsgi.Hosting.Front.Static;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Tests.Http.Front.Static;

public sealed class PrecompressedSiblingsTests : IDisposable
{
    private readonly TempDirectoryTree tree = new();
    private readonly ContainedFileProvider files;

    public PrecompressedSiblingsTests()
    {
        tree.Write("site/both.js", "both");
        tree.WriteGzip("site/both.js", "both");
        tree.WriteBrotli("site/both.js", "both");
        tree.Write("site/gz.js", "gz");
        tree.WriteGzip("site/gz.js", "gz");
        tree.Write("site/plain.js", "plain");
        files = new ContainedFileProvider(tree.PathOf("site"));
    }

    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("gzip;q=1.0, br;q=0.5", "gzip")]
    [InlineData("gzip;q=0.5, br;q=0.5", "br")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("*", "br")]
    [InlineData("*;q=0.5, gzip;q=0.8", "gzip")]
    [InlineData("*, br;q=0", "gzip")]
    [InlineData("gzip;q=0, br;q=0", null)]
    [InlineData("identity", null)]
    [InlineData("", null)]
    public void Choose_BothSiblings_FollowsTheQualities(string acceptEncoding, string? expected)
    {
        var choice = PrecompressedSiblings.Choose(files, "/both.js", Parse(acceptEncoding));

        Assert.True(choice.HasSiblings);
        Assert.Equal(expected, choice.Coding);
        Assert.Equal(expected switch { "br" => ".br", "gzip" => ".gz", _ => null }, choice.Suffix);
    }

    [Theory]
    [InlineData("gzip, br", "gzip")]
    [InlineData("br", null)]
    [InlineData("gzip;q=0", null)]
    [InlineData("gzip;q=0, *", null)]
    public void Choose_OnlyAGzipSibling_NeverPicksBrotli(string acceptEncoding, string? expected)
    {
        var choice = PrecompressedSiblings.Choose(files, "/gz.js", Parse(acceptEncoding));

        Assert.True(choice.HasSiblings);
        Assert.Equal(expected, choice.Coding);
    }

    [Fact]
    public void Choose_NoSiblings_SendsTheFileWithoutVary()
    {
        var choice = PrecompressedSiblings.Choose(files, "/plain.js", Parse("gzip, br"));

        Assert.Equal(PrecompressedChoice.None, choice);
    }

    [Fact]
    public void Choose_SiblingThatIsADotFileOrLinksOut_IsIgnored()
    {
        tree.Write("secret.gz", "not gzip");
        tree.Write("site/out.js", "out");
        tree.Link("site/out.js.gz", "../secret.gz");

        var choice = PrecompressedSiblings.Choose(files, "/out.js", Parse("gzip"));

        Assert.Equal(PrecompressedChoice.None, choice);
    }

    public void Dispose()
    {
        files.Dispose();
        tree.Dispose();
    }

    private static IList<StringWithQualityHeaderValue> Parse(string header) =>
        StringWithQualityHeaderValue.TryParseList(new StringValues(header), out var list) ? list : [];
}
