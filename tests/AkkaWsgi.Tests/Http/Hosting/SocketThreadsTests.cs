using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Tests.Http.Hosting;

/// <summary>Inline socket completions: on by default, the user's setting either way kept.</summary>
public sealed class SocketThreadsTests
{
    [Fact]
    public void PreferInline_WithTheVariableUnset_SetsItToOne()
    {
        var environment = new Dictionary<string, string>();

        var set = SocketThreads.PreferInline(environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.True(set);
        Assert.Equal("1", environment[SocketThreads.Variable]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("")]
    public void PreferInline_WithTheVariableSet_LeavesIt(string value)
    {
        var environment = new Dictionary<string, string> { [SocketThreads.Variable] = value };

        var set = SocketThreads.PreferInline(environment.GetValueOrDefault, (name, v) => environment[name] = v);

        Assert.False(set);
        Assert.Equal(value, environment[SocketThreads.Variable]);
    }
}
