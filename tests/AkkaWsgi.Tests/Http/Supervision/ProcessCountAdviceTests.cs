using AkkaWsgi.Http.Supervision;
using Xunit;

namespace AkkaWsgi.Tests.Http.Supervision;

public sealed class ProcessCountAdviceTests
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(4, 1, false)]
    [InlineData(5, 1, true)]
    [InlineData(8, 2, false)]
    [InlineData(9, 2, true)]
    [InlineData(1000, 2, true)]
    [InlineData(64, 16, false)]
    [InlineData(3, 0, false)]
    [InlineData(5, 0, true)]
    public void IsTooMany_PastFourPerCore(int processes, int cores, bool expected) =>
        Assert.Equal(expected, ProcessCountAdvice.IsTooMany(processes, cores));
}
