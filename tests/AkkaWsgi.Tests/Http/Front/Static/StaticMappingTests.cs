using AkkaWsgi.Hosting.Front.Static;

namespace AkkaWsgi.Tests.Http.Front.Static;

public sealed class StaticMappingTests
{
    [Fact]
    public void Parse_PrefixAndAbsoluteDirectory_KeepsBoth()
    {
        var mapping = StaticMapping.Parse("/static=/srv/site/static");

        Assert.Equal("/static", mapping.Prefix);
        Assert.Equal("/srv/site/static", mapping.Directory);
    }

    [Fact]
    public void Parse_TrailingSlashAndRoot_AreDropped()
    {
        Assert.Equal("/static", StaticMapping.Parse("/static/=/srv").Prefix);
        Assert.Equal("", StaticMapping.Parse("/=/srv").Prefix);
        Assert.Equal("/=/srv", StaticMapping.Parse("/=/srv").ToString());
    }

    [Fact]
    public void Parse_RelativeDirectory_IsMadeAbsoluteFromTheCurrentDirectory()
    {
        var mapping = StaticMapping.Parse("/s=assets");

        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "assets"), mapping.Directory);
    }

    [Fact]
    public void Parse_EqualsSignInTheDirectory_SplitsAtTheFirst()
    {
        var mapping = StaticMapping.Parse("/s=/srv/a=b");

        Assert.Equal("/s", mapping.Prefix);
        Assert.Equal("/srv/a=b", mapping.Directory);
    }

    [Theory]
    [InlineData("/static", "no '='")]
    [InlineData("static=/srv", "does not start with '/'")]
    [InlineData("=/srv", "does not start with '/'")]
    [InlineData("/static=", "empty directory")]
    [InlineData("/static/..=/srv", "'..'")]
    public void Parse_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StaticMapping.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/static", "/static", true)]
    [InlineData("/static", "/static/a.css", true)]
    [InlineData("/static", "/statics/a.css", false)]
    [InlineData("/static", "/other/static/a.css", false)]
    [InlineData("", "/a.css", true)]
    [InlineData("", "*", false)]
    public void Covers_MatchesWholeSegmentsOnly(string prefix, string path, bool expected)
    {
        Assert.Equal(expected, new StaticMapping(prefix, "/srv").Covers(path));
    }
}
