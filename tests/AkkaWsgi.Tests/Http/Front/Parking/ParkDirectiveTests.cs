using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Hosting.Front.Parking;

namespace AkkaWsgi.Tests.Http.Front.Parking;

public sealed class ParkDirectiveTests
{
    [Theory]
    [InlineData("30 http-204", 30, ParkAction.Http204)]
    [InlineData("2.5\tRETRY", 2.5, ParkAction.Retry)]
    [InlineData("99999999999 disconnect", 86400, ParkAction.Disconnect)] // longer waits are taken as a day
    public void TryParseTimeout_GoodValues_AreRead(string value, double seconds, ParkAction action)
    {
        Assert.True(ParkDirective.TryParseTimeout(value, out var timeout, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), timeout);
        Assert.Equal(action, parsed);
        Assert.Null(ParkDirective.TimeoutProblem(value));
    }

    [Theory]
    [InlineData("30", "expected SECONDS followed by retry, disconnect, http-204 or http-504, such as 30 http-204")]
    [InlineData("abc http-204", "'abc' is not a number of seconds (such as 30 or 2.5)")]
    [InlineData("1e9 http-204", "'1e9' is not a number of seconds (such as 30 or 2.5)")]
    [InlineData("5 explode", "'explode' is not retry, disconnect, http-204 or http-504")]
    [InlineData("0 http-204", "the seconds must be more than 0, not 0")]
    [InlineData("-1 http-204", "the seconds must be more than 0, not -1")]
    [InlineData("0.0000000001 retry", "the seconds must be more than 0, not 0.0000000001")]
    public void TimeoutProblem_SaysWhatIsWrong(string value, string problem)
    {
        Assert.False(ParkDirective.TryParseTimeout(value, out _, out _));
        Assert.Equal(problem, ParkDirective.TimeoutProblem(value));
    }
}
