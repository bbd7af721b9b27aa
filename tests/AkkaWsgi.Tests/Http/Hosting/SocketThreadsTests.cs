using AkkaWsgi.Http.Hosting;

namespace AkkaWsgi.Tests.Http.Hosting;

/// <summary>
/// Inline socket completions: on by default, the user's setting either way kept; with several worker processes each
/// runs its share of one socket thread per core.
/// </summary>
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

    [Theory]
    [InlineData(2, 2, "1")]
    [InlineData(2, 8, "4")]
    [InlineData(3, 8, "3")] // rounded up: never fewer threads in all than cores
    [InlineData(4, 2, "1")]
    [InlineData(16, 16, "1")]
    public void ShareCores_WithSeveralProcessesAndInlineCompletions_GivesEachItsShare(int processes, int cores, string expected)
    {
        var environment = new Dictionary<string, string> { [SocketThreads.Variable] = "1" };

        var set = SocketThreads.ShareCores(processes, cores, environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.True(set);
        Assert.Equal(expected, environment[SocketThreads.CountVariable]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void ShareCores_WithOneProcess_LeavesTheRuntimesOnePerCore(int processes)
    {
        var environment = new Dictionary<string, string> { [SocketThreads.Variable] = "1" };

        var set = SocketThreads.ShareCores(processes, 8, environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.False(set);
        Assert.False(environment.ContainsKey(SocketThreads.CountVariable));
    }

    [Fact]
    public void ShareCores_WithTheCountSet_LeavesIt()
    {
        var environment = new Dictionary<string, string> { [SocketThreads.Variable] = "1", [SocketThreads.CountVariable] = "6" };

        var set = SocketThreads.ShareCores(2, 2, environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.False(set);
        Assert.Equal("6", environment[SocketThreads.CountVariable]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void ShareCores_WithoutInlineCompletions_LeavesTheRuntimesDefault(string? inline)
    {
        var environment = new Dictionary<string, string>();
        if (inline is not null)
        {
            environment[SocketThreads.Variable] = inline;
        }

        var set = SocketThreads.ShareCores(2, 2, environment.GetValueOrDefault, (name, value) => environment[name] = value);

        Assert.False(set);
        Assert.False(environment.ContainsKey(SocketThreads.CountVariable));
    }
}
