using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Tests.Support;
using static AkkaWsgi.Tests.Actors.Dispatch.Priority.PriorityRequests;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

public sealed class PriorityQueuePolicyClientTests
{
    private readonly ManualTimeProvider time = new();

    [Fact]
    public void Priority_IPv6AddressesInTheSameSlash64_CountAsOneClient()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);

        queue.Enqueue(Job("a", "2001:db8:1:2::1"));
        queue.Started(Job("b", "2001:db8:1:2:aaaa:bbbb:cccc:dddd"));

        Assert.Equal(-2000, queue.Priority(Job("probe", "2001:db8:1:2:ffff::9")));
    }

    [Fact]
    public void Priority_IPv6AddressesInDifferentSlash64s_CountAsDifferentClients()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);

        queue.Enqueue(Job("a", "2001:db8:1:2::1"));
        queue.Started(Job("b", "2001:db8:1:2::1"));

        Assert.Equal(1000, queue.Priority(Job("probe", "2001:db8:1:3::1")));
    }

    [Fact]
    public void Priority_IPv4MappedIPv6Address_CountsAsTheIPv4Client()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);

        queue.Enqueue(Job("mapped", "::ffff:203.0.113.7"));
        queue.Started(Job("plain", "203.0.113.7"));

        Assert.Equal(-2000, queue.Priority(Job("probe", "203.0.113.7")));
        Assert.Equal(-2000, queue.Priority(Job("probe", "::ffff:203.0.113.7")));
    }

    [Fact]
    public void TrackedClients_AfterAClientGoesQuiet_DropsIt()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);
        queue.Enqueue(Job("a"));
        var job = queue.TakeNext(busyWorkers: 0)!;
        queue.Started(job);
        queue.Finished(job);
        Assert.Equal(1, queue.TrackedClients);

        time.Advance(TimeSpan.FromSeconds(1));
        queue.TakeNext(busyWorkers: 0);

        Assert.Equal(0, queue.TrackedClients);
    }

    [Fact]
    public void TrackedClients_AfterAClientGoesQuiet_DropsItWhenTheNextRequestArrives()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);
        queue.Enqueue(Job("a"));

        time.Advance(TimeSpan.FromSeconds(1));
        queue.Enqueue(Job("b", "10.0.0.1"));

        Assert.Equal(0, queue.TrackedClients);
    }

    [Fact]
    public void TakeNext_ClientForgottenWhileItsRequestWaits_ThenBackWithAnotherRequest_CountsItsNewPenalty()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);
        queue.Enqueue(Job("waiting"));
        time.Advance(TimeSpan.FromSeconds(1));
        queue.Enqueue(Job("internal-search", "10.0.0.1", query: true));
        Assert.Equal(0, queue.TrackedClients);

        // Back with a search, which waits apart from its plain request; the penalty it brings (1000) counts for both.
        queue.Enqueue(Job("search", query: true));

        Assert.Equal(["internal-search", "waiting", "search"], TakeAll(queue));
    }

    [Fact]
    public void TrackedClients_WhenTheLastRequestFinishesAfterThePenaltyFaded_DropsItAtOnce()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);
        queue.Enqueue(Job("a"));
        var job = queue.TakeNext(busyWorkers: 0)!;
        queue.Started(job);
        time.Advance(TimeSpan.FromSeconds(2));

        queue.Finished(job);

        Assert.Equal(0, queue.TrackedClients);
    }

    [Fact]
    public void TrackedClients_WhileAClientHasARequestRunning_KeepsIt()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);
        queue.Enqueue(Job("a"));
        queue.Started(queue.TakeNext(busyWorkers: 0)!);

        time.Advance(TimeSpan.FromSeconds(10));
        queue.TakeNext(busyWorkers: 1);

        Assert.Equal(1, queue.TrackedClients);
        Assert.Equal(-1000, queue.Priority(Job("probe")));
    }

    [Fact]
    public void TrackedClients_ExemptClients_AreNeverTracked()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), time);

        queue.Enqueue(Job("a", "10.0.0.1"));
        queue.Started(Job("b", "::1"));
        queue.Enqueue(Job("c", null));

        Assert.Equal(0, queue.TrackedClients);
    }

    [Fact]
    public void TrackedClients_FloodFromManySources_StaysWithinTheCapAndKeepsRunningClients()
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions { MaxTrackedClients = 8 }, time);
        queue.Started(Job("running", "198.51.100.1"));

        for (var i = 1; i <= 100; i++)
        {
            queue.Enqueue(Job($"flood{i}", $"203.0.113.{i}"));
            Assert.InRange(queue.TrackedClients, 1, 8);
        }

        Assert.Equal(-1000, queue.Priority(Job("probe", "198.51.100.1")));
    }

    [Fact]
    public void PriorityOptions_MaxTrackedClientsBelowOne_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PriorityOptions { MaxTrackedClients = 0 });
    }
}
