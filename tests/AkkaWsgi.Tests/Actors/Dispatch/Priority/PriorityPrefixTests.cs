using AkkaWsgi.Actors.Dispatch.Priority;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

public sealed class PriorityPrefixTests
{
    [Theory]
    [InlineData("/export=-3000", "/export", -3000)]
    [InlineData("/=500", "/", 500)]
    [InlineData("/api/v2=+250", "/api/v2", 250)]
    [InlineData("/a=b=7", "/a=b", 7)]
    [InlineData("/x=0", "/x", 0)]
    public void Parse_CommandLineForm_ReadsPrefixAndWeight(string text, string prefix, int weight)
    {
        Assert.Equal(new PriorityPrefix(prefix, weight), PriorityPrefix.Parse(text));
    }

    [Theory]
    [InlineData("/export", "no '='")]
    [InlineData("=-3000", "empty prefix")]
    [InlineData("export=-3000", "start with '/'")]
    [InlineData("/export=", "not a whole number")]
    [InlineData("/export=abc", "not a whole number")]
    [InlineData("/export=1.5", "not a whole number")]
    [InlineData("/export= 5", "not a whole number")]
    [InlineData("/export=99999999999", "not a whole number")]
    public void Parse_MalformedText_ThrowsFormatExceptionSayingWhy(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PriorityPrefix.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PrefixNotStartingWithSlash_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new PriorityPrefix("export", 1));
    }

    [Fact]
    public void ToString_GivesTheCommandLineForm()
    {
        Assert.Equal("/export=-3000", new PriorityPrefix("/export", -3000).ToString());
    }
}
