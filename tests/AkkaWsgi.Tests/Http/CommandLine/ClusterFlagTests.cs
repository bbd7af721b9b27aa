using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

public sealed class ClusterFlagTests
{
    public static TheoryData<string[], string> Refused => new()
    {
        { ["--cluster-listen", "127.0.0.1:0"], "port 0 is not allowed" },
        { ["--cluster-listen", "127.0.0.1"], "expected HOST:PORT" },
        { ["--cluster-listen", "::1:4053"], "in brackets" },
        { ["--cluster-listen", "10.1.2.3:4053"], "cluster traffic must be authenticated" },
        { ["--cluster-listen", "0.0.0.0:4053"], "--cluster-certificate" },
        { ["--cluster-seed", "127.0.0.1:4053"], "--cluster-seed needs --cluster-listen" },
        { ["--cluster-listen", "127.0.0.1:4053", "--cluster-seed", "10.0.0.1:x"], "not a port number" },
        { ["--cluster-listen", "127.0.0.1:4053", "--cluster-certificate", "/no/such/akkawsgi.pfx"], "no such file" },
        { ["--cluster-listen", "127.0.0.1:4053", "--processes", "2"], "one worker process per node" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void BadClusterFlags_AreRefused_SayingWhy(string[] flags, string expected)
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", .. flags]);

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void LoopbackNode_WithSeeds_IsAccepted()
    {
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", "--cluster-listen", "[::1]:4053", "--cluster-seed", "[::1]:4054", "--cluster-seed", "localhost:4055"]);
        var options = command.Bind(result);

        Assert.Empty(result.Errors);
        Assert.Equal("[::1]:4053", options.ClusterListen);
        Assert.Equal(["[::1]:4054", "localhost:4055"], options.ClusterSeeds);
    }

    [Fact]
    public void NetworkNode_WithACertificate_IsAccepted()
    {
        using var file = new Support.TempDirectoryTree();
        var certificate = file.Write("node.pfx", "");
        var command = new ServerCommand();

        var result = command.Root.Parse(["--module", "app", "--cluster-listen", "10.1.2.3:4053", "--cluster-certificate", certificate]);

        Assert.Empty(result.Errors);
        Assert.Equal(certificate, command.Bind(result).ClusterCertificate);
    }
}
