using System.Net;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Http.Front.Blocking;

public sealed class BlockListTests : IDisposable
{
    private static readonly BlockKey Client = Key("203.0.113.5");
    private static readonly BlockKey Other = Key("198.51.100.7");

    private readonly ManualTimeProvider time = new();
    private readonly RecordingLoggerFactory logs = new();
    private readonly BlockList blocks;

    public BlockListTests() => blocks = new BlockList(time, logs.CreateLogger("akkawsgi.block"));

    public void Dispose() => blocks.Dispose();

    [Fact]
    public void Block_RefusesTheClientUntilItEnds_AndNobodyElse()
    {
        blocks.Block(Client, TimeSpan.FromSeconds(10));

        Assert.True(blocks.TryRefuse(Client, out _));
        Assert.False(blocks.TryRefuse(Other, out _));
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(blocks.TryRefuse(Client, out _));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(blocks.TryRefuse(Client, out _));
        Assert.Equal(0, blocks.Count);
    }

    [Fact]
    public void Apply_SharesTheBlockWithTheCluster_UntilItsEnd()
    {
        var shared = new List<(string Client, DateTimeOffset Until)>();
        blocks.Shared = (client, until) => shared.Add((client, until));

        blocks.Apply(IPAddress.Parse("203.0.113.5"), "X-AkkaWsgi-Block", "30", "GET /");

        Assert.Equal([("203.0.113.5", time.GetUtcNow() + TimeSpan.FromSeconds(30))], shared);
    }

    [Fact]
    public void BlockFromCluster_RefusesUntilTheSharedEnd_WithoutSharingItAgain()
    {
        var shared = 0;
        blocks.Shared = (_, _) => shared++;

        blocks.BlockFromCluster("2001:db8:1:2::/64", time.GetUtcNow() + TimeSpan.FromSeconds(20));

        Assert.True(blocks.TryRefuse(BlockKey.For(IPAddress.Parse("2001:db8:1:2::99"))!.Value, out var remaining));
        Assert.Equal(TimeSpan.FromSeconds(20), remaining);
        Assert.Equal(0, shared);
        Assert.Contains(logs.Entries, e => e.Message.Contains("as another node of the cluster asked", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("203.0.113.5/64")]
    public void BlockFromCluster_IgnoresWhatIsNotAClientKey(string client)
    {
        blocks.BlockFromCluster(client, time.GetUtcNow() + TimeSpan.FromSeconds(20));

        Assert.Equal(0, blocks.Count);
    }

    [Fact]
    public void BlockFromCluster_ThatHasEnded_IsIgnored()
    {
        blocks.BlockFromCluster("203.0.113.5", time.GetUtcNow() - TimeSpan.FromSeconds(1));

        Assert.Equal(0, blocks.Count);
    }

    [Fact]
    public void TryRefuse_SaysHowLongTheBlockStillRuns()
    {
        blocks.Block(Client, TimeSpan.FromSeconds(300));
        time.Advance(TimeSpan.FromSeconds(120));

        Assert.True(blocks.TryRefuse(Client, out var remaining));
        Assert.Equal(TimeSpan.FromSeconds(180), remaining);
        Assert.Equal(TimeSpan.FromSeconds(180), blocks.Remaining(Client));
        Assert.Equal(TimeSpan.Zero, blocks.Remaining(Other));
    }

    [Fact]
    public void Block_OfAnotherAddressInTheSame64_BlocksTheWhole64()
    {
        blocks.Block(Key("2001:db8:5:6::1"), TimeSpan.FromSeconds(10));

        Assert.True(blocks.TryRefuse(Key("2001:db8:5:6:dead:beef:0:1"), out _));
        Assert.False(blocks.TryRefuse(Key("2001:db8:5:7::1"), out _));
    }

    [Fact]
    public void Block_WhileBlockedLonger_KeepsTheLongerBlock()
    {
        blocks.Block(Client, TimeSpan.FromSeconds(100));
        blocks.Block(Client, TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(100), blocks.Remaining(Client));

        blocks.Block(Client, TimeSpan.FromSeconds(200));
        Assert.Equal(TimeSpan.FromSeconds(200), blocks.Remaining(Client));
        Assert.Equal(1, blocks.Count);
    }

    [Fact]
    public void Block_WhenFull_LiftsTheBlockEndingSoonest()
    {
        using var small = new BlockList(time, logs.CreateLogger("akkawsgi.block"), capacity: 3);
        small.Block(Key("192.0.2.1"), TimeSpan.FromSeconds(30));
        small.Block(Key("192.0.2.2"), TimeSpan.FromSeconds(10));
        small.Block(Key("192.0.2.3"), TimeSpan.FromSeconds(20));
        Assert.True(small.TryRefuse(Key("192.0.2.2"), out _));

        small.Block(Key("192.0.2.4"), TimeSpan.FromSeconds(40));

        Assert.Equal(3, small.Count);
        Assert.False(small.TryRefuse(Key("192.0.2.2"), out _));
        Assert.True(small.TryRefuse(Key("192.0.2.1"), out _));
        Assert.True(small.TryRefuse(Key("192.0.2.3"), out _));
        Assert.True(small.TryRefuse(Key("192.0.2.4"), out _));
        var evicted = Assert.Single(logs.Entries, e => e.EventId.Name == "BlockEvicted");
        Assert.Equal(LogLevel.Warning, evicted.Level);
        Assert.Contains("192.0.2.2", evicted.Message, StringComparison.Ordinal);
        Assert.Contains("after 1 request refused", evicted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_WhenFullOfEndedBlocks_ReportsThemAsEnded()
    {
        using var small = new BlockList(time, logs.CreateLogger("akkawsgi.block"), capacity: 1);
        small.Block(Key("192.0.2.1"), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(2)); // ended, but before the first sweep

        small.Block(Key("192.0.2.2"), TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(logs.Entries, e => e.EventId.Name == "BlockEvicted");
        Assert.Single(logs.Entries, e => e.EventId.Name == "BlockEnded");
    }

    [Fact]
    public void RefusedRequests_AreCounted_AndReportedInOneLineWhenTheBlockEnds()
    {
        blocks.Block(Client, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 7; i++)
        {
            Assert.True(blocks.TryRefuse(Client, out _));
        }

        Assert.False(blocks.TryRefuse(Other, out _));
        Assert.Empty(logs.Entries);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(blocks.TryRefuse(Client, out _));

        var ended = Assert.Single(logs.Entries);
        Assert.Equal("BlockEnded", ended.EventId.Name);
        Assert.Equal("block on 203.0.113.5 ended after 10 s: 7 requests refused with 429", ended.Message);
        Assert.Equal(7, blocks.RefusedTotal);
    }

    [Fact]
    public void Sweep_ReportsEndedBlocksThatNoRequestNoticed()
    {
        blocks.Block(Client, TimeSpan.FromSeconds(3));
        Assert.True(blocks.TryRefuse(Client, out _));
        Assert.True(blocks.TryRefuse(Client, out _));

        time.Advance(BlockList.SweepInterval);

        var ended = Assert.Single(logs.Entries);
        Assert.Equal("block on 203.0.113.5 ended after 3 s: 2 requests refused with 429", ended.Message);
        Assert.Equal(0, blocks.Count);
        Assert.False(blocks.TryRefuse(Client, out _));
        Assert.Single(logs.Entries);
    }

    [Fact]
    public void Sweep_LiftsABoundedNumberOfBlocksAtATime_SoonestEndedFirst()
    {
        var count = BlockList.SweepBatch + 5;
        for (var i = 0; i < count; i++)
        {
            blocks.Block(Key($"10.0.{i / 256}.{i % 256}"), TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(i));
        }

        time.Advance(BlockList.SweepInterval);
        Assert.Equal(BlockList.SweepBatch, logs.Entries.Count);
        Assert.Equal(5, blocks.Count);
        Assert.Contains("10.0.0.0 ", logs.Entries[0].Message, StringComparison.Ordinal);

        time.Advance(BlockList.SweepInterval);
        Assert.Equal(count, logs.Entries.Count);
        Assert.Equal(0, blocks.Count);
    }

    [Fact]
    public void Apply_BlocksTheClientOfTheRequest_AndLogsIt()
    {
        blocks.Apply(IPAddress.Parse("203.0.113.5"), "X-AkkaWsgi-Block", "300", "GET /login");

        Assert.Equal(TimeSpan.FromSeconds(300), blocks.Remaining(Client));
        var line = Assert.Single(logs.Entries);
        Assert.Equal("blocked 203.0.113.5 for 300 s, as the application asked answering GET /login", line.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Apply_AnInvalidValue_IsIgnoredWithAWarning(string value)
    {
        blocks.Apply(IPAddress.Parse("203.0.113.5"), "X-WSGo-Block", value, "GET /");

        Assert.Equal(0, blocks.Count);
        var line = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal($"ignored X-WSGo-Block: {value} from the application answering GET /: not a positive number of seconds", line.Message);
    }

    [Fact]
    public void Apply_WithoutAClientAddress_IsIgnoredWithAWarning()
    {
        blocks.Apply(null, "X-AkkaWsgi-Block", "10", "GET /");

        Assert.Equal(0, blocks.Count);
        Assert.Equal(LogLevel.Warning, Assert.Single(logs.Entries).Level);
    }

    [Fact]
    public void Apply_Loopback_IsBlockedToo()
    {
        blocks.Apply(IPAddress.Loopback, "X-AkkaWsgi-Block", "10", "GET /");

        Assert.True(blocks.TryRefuse(Key("127.0.0.1"), out _));
        Assert.False(blocks.TryRefuse(Key("127.0.0.2"), out _));
    }

    [Fact]
    public async Task ConcurrentBlocksAndLookups_KeepTheListConsistent()
    {
        using var small = new BlockList(time, logs.CreateLogger("akkawsgi.block"), capacity: 50);
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var key = Key($"198.18.{t}.{i % 200}");
                small.Block(key, TimeSpan.FromSeconds(1 + (i % 7)));
                small.TryRefuse(key, out _);
            }
        }));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(50, small.Count);
    }

    private static BlockKey Key(string address) => BlockKey.For(IPAddress.Parse(address))!.Value;
}
