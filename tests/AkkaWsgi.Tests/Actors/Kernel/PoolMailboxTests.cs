using AkkaWsgi.Actors.Kernel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Tests.Actors.Kernel;

public sealed class PoolMailboxTests
{
    [Fact]
    public async Task Tell_WhileActorIsBusy_QueuesAndProcessesInSendOrder()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var probe = new ProbeActor((_, message) => WaitIfBlock(message, gate));
        IActorRef actor = system.ActorOf(probe, "ordered");

        Task blocked = Task.Run(() => actor.Tell("block"));
        await probe.WaitForMessagesAsync(1);
        for (int i = 0; i < 1000; i++)
        {
            actor.Tell(i);
        }

        gate.Set();
        await blocked.WaitAsync(TestLimits.Wait);
        IReadOnlyList<object> received = await probe.WaitForMessagesAsync(1001);

        Assert.Equal(["block", .. Enumerable.Range(0, 1000).Cast<object>()], received);
    }

    [Fact]
    public async Task Tell_WhenActorIsIdle_RunsReceiveInlineOnCallersThread()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        IActorRef actor = system.ActorOf(probe, "inline");

        actor.Tell("hello");

        // No waiting: an inline Receive has already happened when Tell returns.
        Delivery delivery = Assert.Single(probe.Deliveries);
        Assert.Same(Thread.CurrentThread, delivery.Thread);
    }

    [Fact]
    public async Task Tell_WhileActorIsBusyOnAnotherThread_ReturnsWithoutWaitingForIt()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        using var gate = new ManualResetEventSlim();
        var probe = new ProbeActor((_, message) => WaitIfBlock(message, gate));
        IActorRef actor = system.ActorOf(probe, "busy");
        Task blocked = Task.Run(() => actor.Tell("block"));
        await probe.WaitForMessagesAsync(1);

        await Task.Run(() => actor.Tell("queued")).WaitAsync(TestLimits.Wait);

        Assert.Equal(["block"], probe.Messages);
        gate.Set();
        await blocked.WaitAsync(TestLimits.Wait);
        Assert.Equal(["block", "queued"], await probe.WaitForMessagesAsync(2));
    }

    [Fact]
    public async Task Tell_FromFourThreadsTenThousandEach_DeliversEveryMessageOnceInPerSenderOrderOneAtATime()
    {
        const int Senders = 4;
        const int PerSender = 10_000;
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var counter = new SequenceCheckingActor(Senders, Senders * PerSender);
        IActorRef actor = system.ActorOf(counter, "stress");
        using var start = new Barrier(Senders);

        var threads = Enumerable.Range(0, Senders).Select(sender => new Thread(() =>
        {
            start.SignalAndWait(TestLimits.Wait);
            for (int sequence = 0; sequence < PerSender; sequence++)
            {
                actor.Tell(new SequencedMessage(sender, sequence));
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        await counter.Done.WaitAsync(TestLimits.Wait);
        Assert.All(threads, thread => Assert.True(thread.Join(TestLimits.Wait)));

        Assert.Equal(Senders * PerSender, counter.Received);
        Assert.Equal(0, counter.Overlaps);
        Assert.Equal(0, counter.OutOfOrder);
    }

    [Fact]
    public async Task Tell_RacingTheActorAsItGoesIdle_NeverStrandsAMessage()
    {
        // Two threads tell one message each and then only wait until everything sent so far has
        // arrived, so they keep colliding with each other's inline runs. A message enqueued just as
        // the running thread lets go of the actor, if not picked up, would stay queued for good and
        // the waiting would time out.
        const int PerThread = 200_000;
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        int sent = 0;
        int received = 0;
        int stranded = 0;
        IActorRef actor = system.ActorOf(new CountingActor(() => Interlocked.Increment(ref received)), "racing");

        void Send()
        {
            for (int i = 0; i < PerThread && Volatile.Read(ref stranded) == 0; i++)
            {
                int expected = Interlocked.Increment(ref sent);
                actor.Tell(i);
                if (!SpinWait.SpinUntil(() => Volatile.Read(ref received) >= expected, TestLimits.Wait))
                {
                    Interlocked.Exchange(ref stranded, expected);
                }
            }
        }

        var other = new Thread(Send);
        other.Start();
        await Task.Run(Send).WaitAsync(TestLimits.Wait * 3);
        Assert.True(other.Join(TestLimits.Wait));

        Assert.Equal(0, stranded);
        Assert.Equal(2 * PerThread, Volatile.Read(ref received));
    }

    [Fact]
    public async Task Tell_FromManyConcurrentSenders_NeverRunsReceiveConcurrently()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        int inside = 0;
        int overlaps = 0;
        var probe = new ProbeActor((_, _) =>
        {
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            // Widens the window in which a second, concurrent Receive would be caught.
            Thread.SpinWait(200);
            Interlocked.Decrement(ref inside);
        });
        IActorRef actor = system.ActorOf(probe, "exclusive");

        Task[] senders = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                actor.Tell(i);
            }
        }))];
        await Task.WhenAll(senders).WaitAsync(TestLimits.Wait);
        await probe.WaitForMessagesAsync(8 * 500);

        Assert.Equal(0, Volatile.Read(ref overlaps));
    }

    [Fact]
    public async Task Tell_BeyondTheThroughputBound_HandsTheRestToTheThreadPool()
    {
        const int Burst = 1000;
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var probe = new ProbeActor((self, message) =>
        {
            if (message is "burst")
            {
                for (int i = 0; i < Burst; i++)
                {
                    self.Ref.Tell(i);
                }
            }
        });
        IActorRef actor = system.ActorOf(probe, "bounded");

        // A plain thread, so that pool threads are told apart from the caller by IsThreadPoolThread.
        var caller = new Thread(() => actor.Tell("burst"));
        caller.Start();
        await probe.WaitForMessagesAsync(Burst + 1);
        Assert.True(caller.Join(TestLimits.Wait));

        IReadOnlyList<Delivery> deliveries = probe.Deliveries;
        int onCaller = deliveries.Count(delivery => delivery.Thread == caller);
        Assert.InRange(onCaller, 1, Burst);
        Assert.All(deliveries.Skip(onCaller), delivery => Assert.True(delivery.Thread.IsThreadPoolThread));
    }

    [Fact]
    public async Task Tell_BackToAnActorStillOnTheStack_QueuesInsteadOfRecursing()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        int depth = 0;
        var depthAtPong = new List<int>();
        var echo = new ProbeActor((_, message) => ((IActorRef)message).Tell("pong"));
        IActorRef echoRef = system.ActorOf(echo, "echo");
        var pinger = new ProbeActor((self, message) =>
        {
            if (message is "ping")
            {
                depth++;
                echoRef.Tell(self.Ref);
                depth--;
            }
            else
            {
                depthAtPong.Add(depth);
            }
        });
        IActorRef pingerRef = system.ActorOf(pinger, "pinger");

        pingerRef.Tell("ping");

        // The echo ran inline on this thread (no hop), its reply waited until ping was done, and the
        // pinger's own loop picked the reply up before Tell returned.
        Assert.Equal([0], depthAtPong);
        Assert.Same(Thread.CurrentThread, Assert.Single(echo.Deliveries).Thread);
        Assert.All(pinger.Deliveries, delivery => Assert.Same(Thread.CurrentThread, delivery.Thread));
    }

    [Fact]
    public async Task Receive_WhenItThrows_LogsTheFailureAndContinuesWithTheNextMessage()
    {
        using var logs = new RecordingLoggerFactory();
        await using var system = new ActorSystem(TimeProvider.System, logs);
        var probe = new ProbeActor((_, message) =>
        {
            if (message is "boom")
            {
                throw new InvalidOperationException("broken handler");
            }
        });
        IActorRef actor = system.ActorOf(probe, "fragile");

        actor.Tell("boom");
        actor.Tell("after");

        Assert.Equal(["boom", "after"], await probe.WaitForMessagesAsync(2));
        LogEntry error = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Contains("fragile", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(String), error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Fact]
    public async Task ActorOf_RunsPreStartBeforeTheFirstMessage()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var probe = new ProbeActor();

        IActorRef actor = system.ActorOf(probe, "started");
        actor.Tell("first");

        Assert.Equal([ProbeActor.PreStartMark, "first"], probe.Timeline);
    }

    [Fact]
    public async Task ActorOf_WithAnActorInstanceAlreadyRunning_Throws()
    {
        await using var system = new ActorSystem(TimeProvider.System, NullLoggerFactory.Instance);
        var probe = new ProbeActor();
        system.ActorOf(probe, "once");

        Assert.Throws<InvalidOperationException>(() => system.ActorOf(probe, "twice"));
    }

    private static void WaitIfBlock(object message, ManualResetEventSlim gate)
    {
        if (message is "block")
        {
            Assert.True(gate.Wait(TestLimits.Wait));
        }
    }
}
