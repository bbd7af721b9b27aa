using Akka.Actor;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Parking;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Actors.Parking;

public sealed class ParkingLotTests : ActorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Notify_WakesOnlyRequestsOnANamedChannel_WithTheActionAndArg()
    {
        var stats = new ParkingStats(10);
        var lot = Lot(stats);
        var both = Request(["a", "b"], 60);
        var onlyC = Request(["c"], 60);
        lot.Tell(new Park(both));
        lot.Tell(new Park(onlyC));

        lot.Tell(new Notify(["b", "x"], ParkAction.Retry, "hello"));

        var wake = await both.Woken.WaitAsync(Patience);
        Assert.Equal(new ParkWake(ParkAction.Retry, "hello", TimedOut: false), wake);
        Assert.False(onlyC.Woken.IsCompleted);
        Assert.Equal(1, stats.Woken);

        lot.Tell(new Notify(["c"], ParkAction.Http204, ""));
        Assert.Equal(ParkAction.Http204, (await onlyC.Woken.WaitAsync(Patience)).Action);
        Assert.Equal(2, stats.Woken);
    }

    [Fact]
    public async Task Timeout_FiresTheTimeoutAction_AndOnlyOnce()
    {
        var stats = new ParkingStats(10);
        var lot = Lot(stats);
        var request = Request(["a"], 2, ParkAction.Http504);
        lot.Tell(new Park(request));

        Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(request.Woken.IsCompleted);
        Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(new ParkWake(ParkAction.Http504, "", TimedOut: true), await request.Woken.WaitAsync(Patience));
        lot.Tell(new Notify(["a"], ParkAction.Retry, "late"));
        Assert.Equal(1, stats.TimedOut);
        Assert.Equal(0, stats.Woken);
        Advance(TimeSpan.FromSeconds(1)); // the timeout was cancelled: it never fires late
        Assert.Equal(1, stats.TimedOut);
    }

    [Fact]
    public async Task Notify_OnTwoOfItsChannels_CompletesOnce_AndCancelsTheTimeout()
    {
        var stats = new ParkingStats(10);
        var lot = Lot(stats);
        var request = Request(["a", "b"], 5);
        lot.Tell(new Park(request));

        lot.Tell(new Notify(["a", "b"], ParkAction.Http204, ""));
        lot.Tell(new Notify(["a"], ParkAction.Retry, "second"));
        Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(ParkAction.Http204, (await request.Woken.WaitAsync(Patience)).Action);
        Assert.Equal(1, stats.Woken);
        Assert.Equal(0, stats.TimedOut);
    }

    [Fact]
    public async Task Unpark_RemovesTheRequestFromItsChannels_SoANotifyFindsNobody()
    {
        var stats = new ParkingStats(10);
        var lot = Lot(stats);
        var request = Request(["a"], 5);
        lot.Tell(new Park(request));

        lot.Tell(new Unpark(request));
        Assert.Equal(ParkAction.Disconnect, (await request.Woken.WaitAsync(Patience)).Action);
        lot.Tell(new Notify(["a"], ParkAction.Http204, ""));
        Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, stats.Woken);
        Assert.Equal(0, stats.TimedOut);
    }

    [Fact]
    public async Task WakeAll_AppliesTheTimeoutActionsNow_AndToRequestsParkedAfterwards()
    {
        var stats = new ParkingStats(10);
        var lot = Lot(stats);
        var before = Request(["a"], 60, ParkAction.Http204);
        var after = Request(["b"], 60, ParkAction.Retry);
        lot.Tell(new Park(before));

        lot.Tell(new WakeAll());
        lot.Tell(new Park(after));

        Assert.Equal(ParkAction.Http204, (await before.Woken.WaitAsync(Patience)).Action);
        Assert.Equal(ParkAction.Retry, (await after.Woken.WaitAsync(Patience)).Action);
        Assert.Equal(2, stats.TimedOut);
        Advance(TimeSpan.FromSeconds(61)); // their own timeouts were cancelled
        Assert.Equal(2, stats.TimedOut);
    }

    [Fact]
    public void Stats_ReserveUpToTheCapacity_AndReleaseGivesPlacesBack()
    {
        var stats = new ParkingStats(2);

        Assert.True(stats.TryReserve());
        Assert.True(stats.TryReserve());
        Assert.False(stats.TryReserve());
        stats.Release();

        Assert.Equal(1, stats.Parked);
        Assert.True(stats.TryReserve());
    }

    [Theory]
    [InlineData("retry", ParkAction.Retry)]
    [InlineData("DISCONNECT", ParkAction.Disconnect)]
    [InlineData("http-204", ParkAction.Http204)]
    [InlineData(" http-504 ", ParkAction.Http504)]
    public void ActionNames_ParseTheHeaderWords(string word, ParkAction expected)
    {
        Assert.True(ParkActionNames.TryParse(word, out var action));
        Assert.Equal(expected, action);
        Assert.False(ParkActionNames.TryParse("http-200", out _));
    }

    private IActorRef Lot(ParkingStats stats) => Start(ParkingLot.Props(stats).WithDispatcher(ActorDispatchers.CallingThread));

    private static ParkedRequest Request(string[] channels, double seconds, ParkAction timeoutAction = ParkAction.Http504) =>
        new(channels, TimeSpan.FromSeconds(seconds), timeoutAction, "GET /test");
}
