using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

public sealed class MaxParkedFlagTests
{
    [Fact]
    public void Bind_DefaultsTo10000_AndKeepsAGivenValue()
    {
        var command = new ServerCommand();

        Assert.Equal(10000, command.Bind(command.Root.Parse(["--module", "app"])).MaxParked);
        Assert.Equal(5, command.Bind(command.Root.Parse(["--module", "app", "--max-parked", "5"])).MaxParked);
    }

    [Theory]
    [InlineData("-1", "--max-parked")]
    [InlineData("many", "many")]
    public void Parse_BadValue_ReportsTheFlag(string value, string expected)
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", "--max-parked", value]);

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }
}
