using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

public sealed class ServerCommandTests
{
    [Fact]
    public void Bind_Defaults_MatchWsgo()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(["--module", "app"]));

        Assert.Equal("app", options.Module);
        Assert.Equal([":8000"], options.HttpSockets);
        Assert.Equal(16, options.Workers);
        Assert.Equal(1, options.Processes);
        Assert.Equal(100L * 1024 * 1024, options.MaxBodySize);
        Assert.False(options.AccessLog);
    }

    [Fact]
    public void Bind_ZeroProcesses_MeansOnePerCore()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(["--module", "app", "--processes", "0"]));

        Assert.Equal(Environment.ProcessorCount, options.Processes);
    }

    [Fact]
    public void Bind_SupervisionFlags_AreKept()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(
            ["--module", "app", "--processes", "3", "--uid", "nobody", "--gid", "nogroup", "--max-requests", "1000", "--max-rss", "512"]));

        Assert.Equal(3, options.Processes);
        Assert.Equal("nobody", options.Uid);
        Assert.Equal("nogroup", options.Gid);
        Assert.Equal(1000, options.MaxRequests);
        Assert.Null(options.MaxRequestsJitter);
        Assert.Equal(512, options.MaxRss);
        Assert.False(options.NoSupervisor);
    }

    [Fact]
    public void Bind_RepeatedHttpSocket_KeepsAll()
    {
        var command = new ServerCommand();

        var options = command.Bind(command.Root.Parse(["--module", "app", "--http-socket", ":1", "--http-socket", "[::1]:2"]));

        Assert.Equal([":1", "[::1]:2"], options.HttpSockets);
    }

    [Theory]
    [InlineData("--workers", "0", "--workers")]
    [InlineData("--workers", "lots", "lots")]
    [InlineData("--processes", "-1", "--processes must be between 0")]
    [InlineData("--max-requests", "-5", "--max-requests cannot be negative")]
    [InlineData("--max-rss", "-1", "--max-rss cannot be negative")]
    [InlineData("--uid", "no-such-user-akk", "--uid no-such-user-akk: no such user")]
    [InlineData("--http-socket", "nowhere", "--http-socket")]
    [InlineData("--log-level", "loud", "--log-level")]
    [InlineData("--header-timeout", "0", "--header-timeout")]
    [InlineData("--max-body-size", "-1", "--max-body-size")]
    [InlineData("--static-map", "static=/tmp", "does not start with '/'")]
    [InlineData("--static-map", "/static", "no '='")]
    [InlineData("--static-map", "/static=/no/such/akkawsgi/dir", "directory '/no/such/akkawsgi/dir' does not exist")]
    [InlineData("--static-max-age", "-1", "--static-max-age")]
    public void Parse_BadValue_ReportsTheFlag(string flag, string value, string expected)
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", flag, value]);

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_StaticMaps_KeepsAllWithAbsoluteDirectoriesAndTheMaxAge()
    {
        var command = new ServerCommand();
        var here = Directory.GetCurrentDirectory();

        var options = command.Bind(command.Root.Parse(
            ["--module", "app", "--static-map", "/static/=.", "--static-map", "/media=/tmp", "--static-max-age", "60"]));

        Assert.Equal([$"/static={here}", "/media=/tmp"], options.StaticMaps);
        Assert.Equal(60, options.StaticMaxAge);
        Assert.Equal(86400, command.Bind(command.Root.Parse(["--module", "app"])).StaticMaxAge);
    }

    [Fact]
    public void Parse_SamePrefixMappedTwice_IsAnError()
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", "--static-map", "/s=/tmp", "--static-map", "/s/=/"]);

        Assert.Contains(result.Errors, e => e.Message.Contains("mapped twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownFlag_IsAnError()
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", "--no-such-flag"]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_MissingModule_IsAnError()
    {
        var command = new ServerCommand();

        Assert.Contains(command.Root.Parse([]).Errors, e => e.Message.Contains("--module", StringComparison.Ordinal));
    }
}
