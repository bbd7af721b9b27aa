using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Tests.Support;
using static AkkaWsgi.Tests.Actors.Dispatch.Priority.PriorityRequests;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

public sealed class PriorityQueuePolicyScoreTests
{
    private const string Browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    private readonly ManualTimeProvider time = new();
    private readonly PriorityQueuePolicy queue;

    public PriorityQueuePolicyScoreTests()
    {
        var options = new PriorityOptions
        {
            // Out of length order, so that the longest match has to be found rather than the last one taken.
            Prefixes = [new("/api/export", -3000), new("/api", 2000), new("/api/export/small", 500), new("/admin", -100), new("/admin", 300)],
        };
        queue = new PriorityQueuePolicy(options, time);
    }

    [Fact]
    public void Priority_PlainRequest_Is1000()
    {
        Assert.Equal(1000, queue.Priority(Job("page")));
    }

    [Fact]
    public void Priority_WithQueryString_IsLoweredBy500()
    {
        Assert.Equal(500, queue.Priority(Job("search", query: true)));
    }

    [Theory]
    [InlineData("FACEBOOK")]
    [InlineData("Bot")]
    [InlineData("CrAwLeR")]
    [InlineData("SPIDER")]
    [InlineData("Index")]
    [InlineData("HTTP:")]
    [InlineData("Https:")]
    public void Priority_UserAgentWithBotMarker_IsLoweredBy8000(string marker)
    {
        var job = Job("crawled", userAgent: $"Mozilla/5.0 (compatible; Example{marker}/1.0)");

        Assert.Equal(-7000, queue.Priority(job));
    }

    [Theory]
    [InlineData(Browser)]
    [InlineData("curl/8.5.0")]
    [InlineData(null)]
    public void Priority_OrdinaryUserAgent_IsNotLowered(string? userAgent)
    {
        Assert.Equal(1000, queue.Priority(Job("page", userAgent: userAgent)));
    }

    [Theory]
    [InlineData("/api/users", 3000)]
    [InlineData("/api/export/all", -2000)]
    [InlineData("/api/export/small.csv", 1500)]
    [InlineData("/apiary", 3000)]
    [InlineData("/about", 1000)]
    [InlineData("/", 1000)]
    public void Priority_PathUnderPrefixes_GetsTheLongestPrefixWeight(string path, int expected)
    {
        Assert.Equal(expected, queue.Priority(Job("p", path: path)));
    }

    [Fact]
    public void Priority_PrefixGivenTwice_GetsTheLaterWeight()
    {
        Assert.Equal(1300, queue.Priority(Job("p", path: "/admin/users")));
    }

    [Fact]
    public void Priority_ForEachRunningRequestOfTheSameClient_IsLoweredBy2000()
    {
        var next = Job("next");

        queue.Started(Job("first"));
        Assert.Equal(-1000, queue.Priority(next));
        queue.Started(Job("second"));
        Assert.Equal(-3000, queue.Priority(next));
    }

    [Fact]
    public void Priority_AfterTheClientsRunningRequestsFinish_IsRestored()
    {
        var first = Job("first");
        var second = Job("second");
        var next = Job("next");
        queue.Started(first);
        queue.Started(second);

        queue.Finished(first);
        Assert.Equal(-1000, queue.Priority(next));
        queue.Finished(second);
        Assert.Equal(1000, queue.Priority(next));
    }

    [Fact]
    public void Priority_RunningRequestsOfAnotherClient_DoNotLowerIt()
    {
        queue.Started(Job("other", "198.51.100.7"));

        Assert.Equal(1000, queue.Priority(Job("page")));
    }

    [Fact]
    public void Priority_ForEachRecentRequestOfTheSameClient_IsLoweredBy1000()
    {
        var probe = Job("probe");

        queue.Enqueue(Job("a"));
        Assert.Equal(0, queue.Priority(probe));
        queue.Enqueue(Job("b"));
        Assert.Equal(-1000, queue.Priority(probe));
        queue.TakeNext(busyWorkers: 0);
        Assert.Equal(-1000, queue.Priority(probe));
    }

    [Fact]
    public void Priority_RecentRequestPenalty_HalfFadesInHalfASecond()
    {
        queue.Enqueue(Job("a"));

        time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(500, queue.Priority(Job("probe")));
    }

    [Fact]
    public void Priority_RecentRequestPenalty_FadesAtTheSameRateWhenSeveralAddUp()
    {
        queue.Enqueue(Job("a"));
        queue.Enqueue(Job("b"));
        queue.Enqueue(Job("c"));

        time.Advance(TimeSpan.FromMilliseconds(750));
        Assert.Equal(-1250, queue.Priority(Job("probe")));
        queue.Enqueue(Job("d"));
        Assert.Equal(-2250, queue.Priority(Job("probe")));
    }

    [Fact]
    public void Priority_RecentRequestPenalty_IsGoneAfterOneSecondAndNeverTurnsIntoABonus()
    {
        queue.Enqueue(Job("a"));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1000, queue.Priority(Job("probe")));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1000, queue.Priority(Job("probe")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.20.30.40")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.10")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:192.168.0.5")]
    [InlineData(null)]
    public void Priority_ExemptClient_IsSparedTheClientAndBotTerms(string? client)
    {
        queue.Started(Job("running", client));
        queue.Enqueue(Job("recent", client));

        Assert.Equal(1000, queue.Priority(Job("probe", client, userAgent: "ExampleBot/1.0 (+https://example.com/bot)")));
    }

    [Fact]
    public void Priority_ExemptClient_StillPaysForAQueryStringAndGetsPrefixWeights()
    {
        Assert.Equal(2500, queue.Priority(Job("probe", "10.0.0.1", path: "/api/search", query: true)));
    }
}
