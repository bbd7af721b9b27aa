using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

/// <summary>Listeners that would collide are refused by name before anything is bound.</summary>
public sealed class ListenerFlagTests
{
    [Theory]
    [InlineData(new[] { "--http-socket", "127.0.0.1:8111", "--http-socket", "127.0.0.1:8111" },
        "--http-socket 127.0.0.1:8111 and --http-socket 127.0.0.1:8111")]
    [InlineData(new[] { "--http-socket", ":8111", "--http-socket", "127.0.0.1:8111" },
        "--http-socket :8111 and --http-socket 127.0.0.1:8111")]
    [InlineData(new[] { "--http-socket", "[::]:8111", "--status-socket", "127.0.0.1:8111" },
        "--http-socket [::]:8111 and --status-socket 127.0.0.1:8111")]
    [InlineData(new[] { "--status-socket", ":8000" },
        "--http-socket :8000 and --status-socket :8000")]
    [InlineData(new[] { "--http-socket", "unix:/run/site.sock", "--status-socket", "unix:/run/site.sock" },
        "--http-socket unix:/run/site.sock and --status-socket unix:/run/site.sock")]
    public void CollidingListeners_AreRefused_NamingBoth(string[] flags, string named)
    {
        var errors = Errors(flags);

        Assert.Equal($"{named} listen on the same address and port; give each listener its own", Assert.Single(errors));
    }

    [Fact]
    public void HttpsWithTheSameAddressAsAnHttpSocket_IsRefused()
    {
        var certificate = typeof(ListenerFlagTests).Assembly.Location; // any file: only the address is looked at here
        var errors = Errors(["--http-socket", "127.0.0.1:8111", "--https-socket", $"127.0.0.1:8111,{certificate},{certificate}"]);

        Assert.StartsWith("--http-socket 127.0.0.1:8111 and --https-socket 127.0.0.1:8111,", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--http-socket 127.0.0.1:8111 --http-socket 127.0.0.2:8111")]
    [InlineData("--http-socket :8111 --http-socket [::1]:8111")]
    [InlineData("--http-socket 127.0.0.1:0 --status-socket 127.0.0.1:0")]
    [InlineData("--http-socket 127.0.0.1:8111 --status-socket 127.0.0.1:8112")]
    [InlineData("--status-socket :8001")]
    public void ListenersOnDifferentAddressesOrPorts_AreAccepted(string flags) => Assert.Empty(Errors(flags.Split(' ')));

    private static List<string> Errors(string[] flags)
    {
        var command = new ServerCommand();
        return [.. command.Root.Parse(["--module", "app", .. flags]).Errors.Select(e => e.Message)];
    }
}
