using AkkaWsgi.Hosting.Server;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Http.Supervision;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Supervision;

public sealed class WorkerRecyclerTests
{
    [Fact]
    public void Check_PastTheRequestLimit_RetiresOnce()
    {
        var counters = new ServerCounters();
        var reasons = new List<string>();
        using var recycler = new WorkerRecycler(counters, requestLimit: 3, rssLimitBytes: 0, () => 0, new ManualTimeProvider(), reasons.Add);

        counters.RequestStarted();
        counters.RequestStarted();
        recycler.Check();
        Assert.Empty(reasons);

        counters.RequestStarted();
        recycler.Check();
        recycler.Check();

        Assert.Equal(["served 3 requests (--max-requests, 3 for this worker)"], reasons);
    }

    [Fact]
    public void Check_PastTheMemoryLimit_Retires_AndTheTimerChecksEverySecond()
    {
        var time = new ManualTimeProvider();
        var rss = 100L * 1024 * 1024;
        var reasons = new List<string>();
        using var recycler = new WorkerRecycler(new ServerCounters(), requestLimit: 0, rssLimitBytes: 200L * 1024 * 1024, () => rss, time,
            r =>
            {
                lock (reasons)
                {
                    reasons.Add(r);
                }
            });

        time.Advance(TimeSpan.FromSeconds(1));
        rss = 250L * 1024 * 1024;
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(reasons);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(["resident memory 250 MiB passed --max-rss 200 MiB"], reasons);
    }

    [Theory]
    [InlineData(0, null, 0, 0)]
    [InlineData(1000, 0L, 1000, 1000)]
    [InlineData(1000, null, 1000, 1100)]
    [InlineData(1000, 50L, 1000, 1050)]
    public void RequestLimit_AddsAtMostTheJitter(long maxRequests, long? jitter, long lowest, long highest)
    {
        var options = new ServerOptions { MaxRequests = maxRequests, MaxRequestsJitter = jitter };

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(WorkerRecycler.RequestLimit(options), lowest, highest);
        }
    }
}
