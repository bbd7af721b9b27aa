using Akka.Event;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class SupervisedPeerLossTests
{
    [Fact]
    public void IsReport_TheRecordsAboutAPeerThatIsGone_AreReports()
    {
        Assert.True(SupervisedPeerLoss.IsReport(new Error(RemotingRecords.Disassociation(), RemotingRecords.Writer, typeof(object), "Disassociated")));
        Assert.True(SupervisedPeerLoss.IsReport(new Warning(RemotingRecords.Supervisor, typeof(object),
            $"Association with remote system {RemotingRecords.Peer} has failed; address is now gated for 5000 ms. Reason is: [{RemotingRecords.Disassociation()}]")));
        Assert.True(SupervisedPeerLoss.IsReport(new Warning("akka://akkawsgi/system/endpointManager", typeof(object),
            $"Tried to associate with unreachable remote address [{RemotingRecords.Peer}]. Address is now gated for 5000 ms, all messages to this address will be delivered to dead letters. Reason: [Connection refused tcp://akkawsgi@127.0.0.1:41637] ")));
        Assert.True(SupervisedPeerLoss.IsReport(new Warning("akka.tcp://akkawsgi@127.0.0.1:43365/system/cluster/core/daemon", typeof(object),
            $"Cluster Node [x] - Marking node as TERMINATED [{RemotingRecords.Peer}], due to quarantine. Node roles []. It must still be marked as down before it's removed.")));
    }

    [Fact]
    public void IsReport_OtherRecords_AreNot()
    {
        // Other failures of a connection, errors named like the warnings, and a stall are news even on one machine.
        Assert.False(SupervisedPeerLoss.IsReport(new Error(new InvalidOperationException("serialization failed"), RemotingRecords.Writer, typeof(object), "Failed")));
        Assert.False(SupervisedPeerLoss.IsReport(new Warning(RemotingRecords.Supervisor, typeof(object), $"Association with remote system {RemotingRecords.Peer} has failed; Reason is: [timeout]")));
        Assert.False(SupervisedPeerLoss.IsReport(new Error(null, "akka://akkawsgi/system/endpointManager", typeof(object), "Tried to associate with unreachable remote address [x]")));
        Assert.False(SupervisedPeerLoss.IsReport(new Warning("akka://akkawsgi/system/cluster/core/daemon", typeof(object), "Marking node(s) as UNREACHABLE [x]")));
    }
}
