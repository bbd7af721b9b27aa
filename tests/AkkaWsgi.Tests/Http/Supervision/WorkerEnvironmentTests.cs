using AkkaWsgi.Http.Supervision;

namespace AkkaWsgi.Tests.Http.Supervision;

public sealed class WorkerEnvironmentTests
{
    [Fact]
    public void Describe_ThenParse_RoundTrips()
    {
        var variables = WorkerEnvironment.Describe([5, 7], control: 9, slot: 2, generation: 3).ToDictionary();

        var parsed = WorkerEnvironment.Parse(variables[WorkerEnvironment.ListenVariable], variables[WorkerEnvironment.ControlVariable],
            variables[WorkerEnvironment.WorkerVariable]);

        Assert.NotNull(parsed);
        Assert.Equal([5, 7], parsed.ListenDescriptors);
        Assert.Equal(9, parsed.ControlDescriptor);
        Assert.Equal(2, parsed.Slot);
        Assert.Equal(3, parsed.Generation);
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
}
