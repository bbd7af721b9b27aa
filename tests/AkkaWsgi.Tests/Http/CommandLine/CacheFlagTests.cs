using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

public sealed class CacheFlagTests
{
    [Fact]
    public void Bind_Defaults_CacheNothing_In64MiB()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(["--module", "app"]));

        Assert.Equal(0, options.MaxAge);
        Assert.Equal(64L * 1024 * 1024, options.CacheSize);
    }

    [Fact]
    public void Bind_MaxAgeAndCacheSize_AreKept()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(["--module", "app", "--max-age", "300", "--cache-size", "1048576"]));

        Assert.Equal(300, options.MaxAge);
        Assert.Equal(1048576, options.CacheSize);
    }

    [Theory]
    [InlineData("--max-age", "-1", "--max-age")]
    [InlineData("--max-age", "31536001", "--max-age")]
    [InlineData("--max-age", "soon", "soon")]
    [InlineData("--cache-size", "-1", "--cache-size")]
    [InlineData("--cache-size", "0", "--cache-size must be more than 0 bytes (the page cache is turned off with --max-age 0, the default)")]
    public void Parse_BadValue_ReportsTheFlag(string flag, string value, string expected)
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", flag, value]);

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }
}
