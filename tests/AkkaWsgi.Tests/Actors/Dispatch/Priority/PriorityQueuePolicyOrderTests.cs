using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Tests.Support;
using static AkkaWsgi.Tests.Actors.Dispatch.Priority.PriorityRequests;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

public sealed class PriorityQueuePolicyOrderTests
{
    private const string Internal = "10.0.0.1";
    private readonly ManualTimeProvider time = new();
    private readonly PriorityQueuePolicy queue;

    public PriorityQueuePolicyOrderTests()
    {
        // Exempt callers on these paths score exactly at, and just above, the idle-only line of -7000.
        var options = new PriorityOptions { Prefixes = [new("/at-line", -8000), new("/above-line", -7999)] };
        queue = new PriorityQueuePolicy(options, time);
    }

    [Fact]
    public void TakeNext_LaterRequestWithHigherPriority_RunsBeforeEarlierOne()
    {
        queue.Enqueue(Job("search", Internal, query: true));
        queue.Enqueue(Job("page", Internal));

        Assert.Equal(["page", "search"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_EqualPriorities_RunInArrivalOrder()
    {
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            queue.Enqueue(Job(name, Internal));
        }

        Assert.Equal(["a", "b", "c", "d"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_EqualPrioritiesOfDifferentClients_RunInArrivalOrderAcrossThem()
    {
        EnqueueThreeAt500();

        Assert.Equal(["first", "public", "last"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_AfterTimePasses_RecomputesPriorities()
    {
        // On arrival the public request scores 0 (its own recent-request penalty), below the internal search's 500.
        queue.Enqueue(Job("public"));
        queue.Enqueue(Job("search", Internal, query: true));

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["public", "search"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_AfterClientStartsAnotherRequest_RecomputesPriorities()
    {
        queue.Enqueue(Job("public"));
        queue.Enqueue(Job("search", Internal, query: true));
        time.Advance(TimeSpan.FromSeconds(1));

        queue.Started(Job("running"));

        Assert.Equal(["search", "public"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_WhileWorkersBusy_LeavesRequestExactlyAtTheIdleLine()
    {
        var atLine = Job("at-line", Internal);
        queue.Enqueue(atLine);

        Assert.Equal(-7000, queue.Priority(atLine));
        Assert.Null(queue.TakeNext(busyWorkers: 1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void TakeNext_WithNoWorkerBusy_RunsRequestAtTheIdleLine()
    {
        var atLine = Job("at-line", Internal);
        queue.Enqueue(atLine);

        Assert.Same(atLine, queue.TakeNext(busyWorkers: 0));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TakeNext_WhileWorkersBusy_RunsRequestJustAboveTheIdleLine()
    {
        var aboveLine = Job("above-line", Internal);
        queue.Enqueue(aboveLine);

        Assert.Equal(-6999, queue.Priority(aboveLine));
        Assert.Same(aboveLine, queue.TakeNext(busyWorkers: 3));
    }

    [Fact]
    public void TakeNext_WhileWorkersBusy_RunsTheEligibleRequestAndKeepsTheOneBelowTheLine()
    {
        queue.Enqueue(Job("crawler", userAgent: "ExampleBot/1.0"));
        queue.Enqueue(Job("page", Internal));

        Assert.Equal(["page"], TakeAll(busyWorkers: 2));
        Assert.Equal(1, queue.Count);
        Assert.Equal(["crawler"], TakeAll(busyWorkers: 0));
    }

    [Fact]
    public void TakeNext_EmptyQueue_ReturnsNull()
    {
        Assert.Null(queue.TakeNext(busyWorkers: 0));
        Assert.Null(queue.TakeLowest());
    }

    [Fact]
    public void TakeLowest_ReturnsTheLowestPriorityRequest()
    {
        queue.Enqueue(Job("page", Internal));
        queue.Enqueue(Job("crawler", userAgent: "ExampleBot/1.0"));
        queue.Enqueue(Job("search", Internal, query: true));

        Assert.Equal("crawler", Name(queue.TakeLowest()));
        Assert.Equal("search", Name(queue.TakeLowest()));
        Assert.Equal("page", Name(queue.TakeLowest()));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TakeLowest_EqualPriorities_ReturnsTheNewestFirst()
    {
        queue.Enqueue(Job("page", Internal));
        queue.Enqueue(Job("older", Internal, query: true));
        queue.Enqueue(Job("newer", Internal, query: true));

        Assert.Equal("newer", Name(queue.TakeLowest()));
        Assert.Equal("older", Name(queue.TakeLowest()));
    }

    [Fact]
    public void TakeLowest_EqualPrioritiesOfDifferentClients_ReturnsTheNewestFirstAcrossThem()
    {
        EnqueueThreeAt500();

        Assert.Equal("last", Name(queue.TakeLowest()));
        Assert.Equal("public", Name(queue.TakeLowest()));
        Assert.Equal("first", Name(queue.TakeLowest()));
    }

    private static string? Name(object? job) => (job as FakeJob)?.Name;

    /// <summary>
    /// Two internal searches (500 each) with a public request between them, whose own recent-request penalty has
    /// half faded by the last arrival (1000 - 500): three requests of equal priority from two clients.
    /// </summary>
    private void EnqueueThreeAt500()
    {
        queue.Enqueue(Job("first", Internal, query: true));
        queue.Enqueue(Job("public"));
        time.Advance(TimeSpan.FromMilliseconds(500));
        queue.Enqueue(Job("last", Internal, query: true));
        Assert.Equal(500, queue.Priority(Job("probe", Internal, query: true)));
        Assert.Equal(500, queue.Priority(Job("probe-public")));
    }

    private List<string> TakeAll(int busyWorkers) => PriorityRequests.TakeAll(queue, busyWorkers);
}
