using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class PeerDepartureTests
{
    [Theory]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Removed)]
    [InlineData(MemberStatus.Down)]
    [InlineData(null)]
    public void IsExpected_BothRecordsAboutAPeerThatLeftOrIsLeaving_AreExpected(MemberStatus? status)
    {
        Assert.True(PeerDeparture.IsExpected(WriterError(), StatusOfPeer(status), NotStopping));
        Assert.True(PeerDeparture.IsExpected(SupervisorWarning(), StatusOfPeer(status), NotStopping));
    }

    [Theory]
    [InlineData(MemberStatus.Up)]
    [InlineData(MemberStatus.Joining)]
    [InlineData(MemberStatus.WeaklyUp)]
    public void IsExpected_APeerStillAMember_IsNot(MemberStatus status)
    {
        // A process that crashed or a network fault: worth the warning and the error.
        Assert.False(PeerDeparture.IsExpected(WriterError(), StatusOfPeer(status), NotStopping));
        Assert.False(PeerDeparture.IsExpected(SupervisorWarning(), StatusOfPeer(status), NotStopping));
    }

    [Fact]
    public void IsExpected_WhileThisNodeStops_AnyPeersDisassociationIs()
    {
        Assert.True(PeerDeparture.IsExpected(WriterError(), StatusOfPeer(MemberStatus.Up), () => true));
    }

    [Fact]
    public void IsExpected_OtherFailuresOnTheSameConnection_AreNot()
    {
        var error = new Error(new InvalidOperationException("serialization failed"), RemotingRecords.Writer, typeof(object), "Failed");
        var warning = new Warning(RemotingRecords.Supervisor, typeof(object), "Association with remote system " + RemotingRecords.Peer + " has failed; Reason is: [timeout]");

        Assert.False(PeerDeparture.IsExpected(error, StatusOfPeer(null), () => true));
        Assert.False(PeerDeparture.IsExpected(warning, StatusOfPeer(null), () => true));
    }

    [Fact]
    public void IsExpected_RecordsFromElsewhere_AreNotLookedInto()
    {
        var error = new Error(RemotingRecords.Disassociation(), "akka://akkawsgi/user/akkawsgi/dispatcher", typeof(object), "Disassociated");

        Assert.False(PeerDeparture.IsExpected(error, _ => throw new InvalidOperationException("asked"), () => throw new InvalidOperationException("asked")));
    }

    [Fact]
    public void Filter_ForWhatAkkaPrintsItselfAsItStops_DropsADepartureEvenOfAMemberInGoodStanding_AndKeepsTheRest()
    {
        var filter = new PeerDepartureLogFilter();
        var other = new Error(new InvalidOperationException("serialization failed"), RemotingRecords.Writer, typeof(object), "Failed");

        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(WriterError()));
        Assert.Equal(LogFilterDecision.Drop, filter.ShouldKeepMessage(SupervisorWarning()));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(other));
        Assert.Equal(LogFilterDecision.Keep, filter.ShouldKeepMessage(new Warning("akka://akkawsgi/user/x", typeof(object), "something else")));
    }

    private static bool NotStopping() => false;

    private static Func<Address, MemberStatus?> StatusOfPeer(MemberStatus? status) =>
        address => address == Address.Parse(RemotingRecords.Peer) ? status : throw new InvalidOperationException($"asked about {address}");

    private static Error WriterError() => new(RemotingRecords.Disassociation(), RemotingRecords.Writer, typeof(object), "Disassociated");

    private static Warning SupervisorWarning() => new(RemotingRecords.Supervisor, typeof(object),
        $"Association with remote system {RemotingRecords.Peer} has failed; address is now gated for 5000 ms. Reason is: [{RemotingRecords.Disassociation()}]");
}
