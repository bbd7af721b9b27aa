using AkkaWsgi.Http.Supervision;

namespace AkkaWsgi.Tests.Http.Supervision;

public sealed class WorkerEnvironmentTests
{
    [Fact]
    public void Describe_ThenParse_RoundTrips()
    {
        var variables = WorkerEnvironment.Describe([5, 7], control: 9, slot: 2, generation: 3, serial: 11).ToDictionary();

        var parsed = WorkerEnvironment.Parse(variables[WorkerEnvironment.ListenVariable], variables[WorkerEnvironment.ControlVariable],
            variables[WorkerEnvironment.WorkerVariable]);

        Assert.NotNull(parsed);
        Assert.Equal([5, 7], parsed.ListenDescriptors);
        Assert.Equal(9, parsed.ControlDescriptor);
        Assert.Equal(2, parsed.Slot);
        Assert.Equal(3, parsed.Generation);
        Assert.Equal(11, parsed.Serial);
    }

    [Theory]
    [InlineData(null, "9", "0.1")]
    [InlineData("5", null, "0.1")]
    [InlineData("5", "9", null)]
    [InlineData("5,x", "9", "0.1")]
    [InlineData("5", "-9", "0.1")]
    [InlineData("5", "9", "0")]
    public void Parse_MissingOrMalformed_IsNotAWorker(string? listen, string? control, string? worker) =>
        Assert.Null(WorkerEnvironment.Parse(listen, control, worker));

    [Fact]
    public void Cluster_DescribeThenParse_JoinsThroughTheSeedsOnLoopback()
    {
        var cluster = WorkerEnvironment.ParseCluster(WorkerEnvironment.DescribeCluster(40001, [40000]));

        Assert.NotNull(cluster);
        Assert.Equal("127.0.0.1:40001", cluster.Listen.ToString());
        Assert.Equal(["127.0.0.1:40000"], cluster.Seeds.Select(s => s.ToString()));
        Assert.False(cluster.Tls);
        Assert.False(cluster.AnnounceMembers);
        Assert.True(cluster.OneMachine);
        Assert.False(cluster.CronOnOldestNode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("4000 x")]
    [InlineData("70000")]
    public void Cluster_Absent_OrMalformed_IsNone(string? value) => Assert.Null(WorkerEnvironment.ParseCluster(value));
}
