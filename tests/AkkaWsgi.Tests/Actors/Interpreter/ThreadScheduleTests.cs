using System.Diagnostics;
using AkkaWsgi.Actors.Interpreter;

namespace AkkaWsgi.Tests.Actors.Interpreter;

public sealed class ThreadScheduleTests
{
    private static readonly TimeSpan Spin = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void ThreadsSpinningOnMoreThreadsThanCores_ShowTimeOnACpu_AndTimeWaitingForOne()
    {
        // Twice as many spinning threads as the cores the runtime counts, and one more, so that some must wait for a core
        // even where the machine has a few more cores than that count (it follows a CPU quota).
        var threads = (2 * Environment.ProcessorCount) + 1;
        var before = new CpuTimes?[threads];
        var after = new CpuTimes?[threads];
        using var start = new Barrier(threads);
        var spinners = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            using var schedule = ThreadSchedule.OpenForCurrentThread();
            start.SignalAndWait();
            before[i] = schedule?.CpuTimes();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Spin)
            {
                Thread.SpinWait(100);
            }

            after[i] = schedule?.CpuTimes();
        })).ToArray();

        foreach (var spinner in spinners)
        {
            spinner.Start();
        }

        foreach (var spinner in spinners)
        {
            Assert.True(spinner.Join(TimeSpan.FromSeconds(30)));
        }

        var running = TimeSpan.Zero;
        var waiting = TimeSpan.Zero;
        for (var i = 0; i < threads; i++)
        {
            var used = Assert.NotNull(after[i]) - Assert.NotNull(before[i]);
            running += used.Running;
            waiting += used.WaitingForCore;
        }

        Assert.InRange(running, Spin * 0.25, Spin * threads * 1.1);
        Assert.InRange(waiting, Spin * 0.25, Spin * threads * 1.1);
    }
}
