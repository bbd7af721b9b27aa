using AkkaWsgi.Hosting.Logging;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class AccessLogTextTests
{
    [Fact]
    public void Escape_TextWithNothingToEscape_IsTheSameString()
    {
        const string Agent = "Mozilla/5.0 (X11; Linux x86_64) café";

        Assert.Same(Agent, AccessLogText.Escape(Agent));
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("\u001b[31mred", "\\x1b[31mred")]
    [InlineData("tab\there", "tab\\x09here")]
    [InlineData("del\u007f c1\u009b", "del\\x7f c1\\x9b")]
    [InlineData("\"", "\\\"")]
    public void Escape_QuotesBackslashesAndControlCharacters(string text, string expected)
    {
        Assert.Equal(expected, AccessLogText.Escape(text));
    }
}
