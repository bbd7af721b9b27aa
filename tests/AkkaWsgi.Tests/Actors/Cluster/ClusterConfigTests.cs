using Akka.Cluster;
using Akka.Cluster.SBR;
using Akka.Configuration;
using AkkaWsgi.Actors.Cluster;
using ClusterSettings = AkkaWsgi.Actors.Cluster.ClusterSettings;

namespace AkkaWsgi.Tests.Actors.Cluster;

/// <summary>How the cluster's configuration decides who may remove a silent node, read back the way Akka reads it.</summary>
public sealed class ClusterConfigTests
{
    private static readonly Config AkkaClusterDefaults =
        ConfigurationFactory.FromResource<Akka.Cluster.Cluster>("Akka.Cluster.Configuration.Cluster.conf");

    [Fact]
    public void OneMachine_HasNoDowning_AndToleratesLongPauses()
    {
        var config = Parse(ClusterSettings.ForOneMachine(40001, [40000]));

        Assert.Equal(typeof(NoDowning), AkkaSettings(config).DowningProviderType);
        Assert.Equal(ClusterSettings.OneMachineHeartbeatPause, config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.True(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
    }

    [Fact]
    public void SeveralMachines_KeepTheOldestSide_AndAnOldestNodeAloneGoes()
    {
        var endpoint = new ClusterEndpoint("127.0.0.1", 40000);
        var config = Parse(new ClusterSettings { Listen = endpoint, Seeds = [endpoint] });

        Assert.Equal(typeof(SplitBrainResolverProvider), AkkaSettings(config).DowningProviderType);
        Assert.Equal("keep-oldest", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.True(config.GetBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }

    [Fact]
    public void SeveralMachines_WhoseReachabilityKeepsChanging_AreAllDownedAfterTwelveAndAQuarterSeconds()
    {
        var endpoint = new ClusterEndpoint("127.0.0.1", 40000);
        var config = Parse(new ClusterSettings { Listen = endpoint, Seeds = [endpoint] });

        // Akka downs everyone once changes have gone on for stable-after plus this (3/4 of it), as the README says.
        var resolver = new SplitBrainResolverSettings(config);
        Assert.Equal(TimeSpan.FromSeconds(5.25), resolver.DownAllWhenUnstable);
    }

    private static Config Parse(ClusterSettings settings) =>
        ConfigurationFactory.ParseString(ClusterConfig.Hocon(settings)).WithFallback(AkkaClusterDefaults);

    private static Akka.Cluster.ClusterSettings AkkaSettings(Config config) => new(config, ClusterSettings.SystemName);
}
