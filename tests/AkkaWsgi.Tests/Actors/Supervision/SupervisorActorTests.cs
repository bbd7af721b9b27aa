using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using AkkaWsgi.Actors.Hosting;
using AkkaWsgi.Actors.Supervision;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Actors.Supervision;

/// <summary>
/// The supervisor against a fake launcher, with the test playing the worker processes (WorkerStarted, WorkerReady,
/// WorkerRetiring, WorkerExited) and moving a manual clock for retry delays and timeouts.
/// </summary>
public sealed class SupervisorActorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan[] DoublingDelays = [.. new[] { 1, 2, 4 }.Select(s => TimeSpan.FromSeconds(s))];
    private static readonly TimeSpan[] CappedDelays = [.. new[] { 1, 2, 4, 4, 4, 4, 4 }.Select(s => TimeSpan.FromSeconds(s))];

    [Fact]
    public async Task Start_WithThreeProcesses_StartsSlotsZeroToTwoOfGenerationOne_AndAnnouncesReadyOnceAllThreeAre()
    {
        await using var h = new Harness(processes: 3);

        var workers = await h.GenerationStartedAsync(1);
        Assert.Equal([0, 1, 2], workers.Select(w => w.Slot));
        Assert.Equal(3, workers.Select(w => w.Serial).Distinct().Count());
        Assert.Equal(3, h.Launcher.WorkersOf(LauncherAction.Start).Count);

        h.Ready(workers[2]);
        h.Ready(workers[0]);
        await h.SettleAsync();
        Assert.Equal(0, h.ReadyCalls);

        h.Ready(workers[1]);
        await h.ReadyAsync();
        h.Ready(workers[1]); // a repeated report changes nothing
        await h.SettleAsync();
        Assert.Equal(1, h.ReadyCalls);
    }

    [Fact]
    public async Task Lead_GoesToSlotZeroOnceItIsReady_AndToNoOtherWorker()
    {
        await using var h = new Harness(processes: 3);
        var workers = await h.GenerationStartedAsync(1);
        h.Tell(new WorkerStarted(workers[0], 100));
        await h.SettleAfterExitAsync();
        Assert.Empty(h.Led);

        h.Ready(workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, workers[0]);
        h.Ready(workers[1]);
        h.Ready(workers[2]);
        await h.ReadyAsync();
        await h.SettleAsync();

        Assert.Equal([workers[0]], h.Led);
    }

    [Fact]
    public async Task Lead_WaitsForSlotZeroWhileItIsStarting_EvenWhenHigherSlotsAreReadyFirst()
    {
        await using var h = new Harness(processes: 3);
        var workers = await h.GenerationStartedAsync(1);

        h.Ready(workers[2]);
        h.Ready(workers[1]);
        await h.SettleAsync();
        Assert.Empty(h.Led);

        h.Ready(workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, workers[0]);
        await h.SettleAsync();
        Assert.Equal([workers[0]], h.Led);
    }

    [Fact]
    public async Task ReadyWorker_ExitingUnexpectedly_IsReplacedAtOnceInItsSlot_AndLeadershipStays()
    {
        await using var h = new Harness(processes: 3);
        var workers = await h.AllReadyAsync();

        h.Exit(workers[1], 137);
        var replacement = await h.ReplacementAsync(workers[1]);
        Assert.Equal((1, 1), (replacement.Slot, replacement.Generation));
        Assert.NotEqual(workers[1].Serial, replacement.Serial);

        h.Ready(replacement);
        await h.SettleAsync();
        Assert.Equal([workers[0]], h.Led);
        Assert.Empty(h.Drained);
        Assert.Equal(4, h.Started.Count);
        Assert.Equal(1, h.ReadyCalls);
    }

    [Fact]
    public async Task Leader_ExitingUnexpectedly_IsReplacedAtOnce_AndItsReplacementLeadsOnceReady()
    {
        await using var h = new Harness(processes: 3);
        var workers = await h.AllReadyAsync();

        h.Exit(workers[0], 137);
        var replacement = await h.ReplacementAsync(workers[0]);
        await h.SettleAsync();
        Assert.Equal([workers[0]], h.Led); // slot 0 is starting again: the role waits for it

        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, replacement);
        await h.SettleAsync();
        Assert.Equal([workers[0], replacement], h.Led);
        Assert.Empty(h.Drained);
    }

    [Fact]
    public async Task Leader_WhenSlotZeroFailsAtStartUpAndBacksOff_MovesToTheLowestOtherReadySlotAtOnce_AndStaysThere()
    {
        await using var h = new Harness(processes: 3, firstRetryDelay: TimeSpan.FromSeconds(1));
        var workers = await h.AllReadyAsync();
        h.Exit(workers[0], 137);
        var replacement = await h.ReplacementAsync(workers[0]);

        h.Exit(replacement, 1);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, workers[1]);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var retry = await h.ReplacementAsync(replacement);

        // Slot 0 serving again does not take the role back: that would make two leaders.
        h.Ready(retry);
        await h.SettleAsync();
        Assert.Equal([workers[0], workers[1]], h.Led);
        Assert.Empty(h.FinishedStatuses);
    }

    [Fact]
    public async Task FatalStartFailure_BeforeAnyWorkerWasReady_DrainsTheOthers_AndFinishesWithItsStatusOnceTheyExit()
    {
        await using var h = new Harness(processes: 3, fatalStartExitCodes: new HashSet<int> { 2, 3, 4 });
        var workers = await h.GenerationStartedAsync(1);

        h.Exit(workers[1], 4);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[2]);
        h.Exit(workers[0], 0);
        Assert.Empty(h.FinishedStatuses);
        h.Exit(workers[2], 0);

        Assert.Equal(4, await h.FinishedAsync());
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.StopSupervisorAsync();
        Assert.Equal([4], h.FinishedStatuses);
        Assert.Equal(3, h.Started.Count);
        Assert.Equal([workers[0], workers[2]], h.Drained);
        Assert.Equal(0, h.ReadyCalls);
    }

    [Fact]
    public async Task StartFailure_IsRetriedAfterTheFirstDelay_ThenTwiceAndFourTimesAsLong_AndGivesUpAfterMaxStartFailures()
    {
        await using var h = new Harness(processes: 1, firstRetryDelay: TimeSpan.FromSeconds(1), maxRetryDelay: TimeSpan.FromSeconds(30),
            maxStartFailures: 4, fatalStartExitCodes: new HashSet<int> { 2, 3, 4 });
        var worker = await h.StartedAsync(0, 1);

        var failures = 0;
        foreach (var delay in DoublingDelays)
        {
            h.Exit(worker, 1);
            await h.StartFailuresLoggedAsync(++failures);

            h.Time.Advance(delay - Tick);
            Assert.Equal(failures, h.Started.Count);
            h.Time.Advance(Tick);
            worker = await h.ReplacementAsync(worker);
        }

        Assert.Empty(h.FinishedStatuses);
        h.Exit(worker, 1);
        Assert.Equal(1, await h.FinishedAsync());

        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.StopSupervisorAsync();
        Assert.Equal(4, h.Started.Count);
        Assert.Equal([1], h.FinishedStatuses);
    }

    [Fact]
    public async Task StartFailures_WhileAnotherWorkerServes_AreRetriedForEver_WithTheDelayCappedAtMaxRetryDelay()
    {
        await using var h = new Harness(processes: 2, firstRetryDelay: TimeSpan.FromSeconds(1), maxRetryDelay: TimeSpan.FromSeconds(4),
            maxStartFailures: 3, fatalStartExitCodes: new HashSet<int> { 2, 3, 4 });
        var workers = await h.GenerationStartedAsync(1);
        h.Ready(workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, workers[0]);

        var failing = workers[1];
        foreach (var delay in CappedDelays)
        {
            h.Exit(failing, 4); // fatal only before any worker was ever ready
            await h.SettleAsync();
            var started = h.Started.Count;

            h.Time.Advance(delay - Tick);
            await h.SettleAsync();
            Assert.Equal(started, h.Started.Count);
            h.Time.Advance(Tick);
            failing = await h.ReplacementAsync(failing);
        }

        await h.SettleAsync();
        Assert.Empty(h.FinishedStatuses);
        Assert.Empty(h.Drained);
        Assert.Equal([workers[0]], h.Led);

        h.Ready(failing);
        await h.ReadyAsync();
    }

    [Fact]
    public async Task Reload_StartsANewGeneration_DrainsTheOldOnlyOnceAllOfItIsReady_AndMovesLeadershipOnlyAfterTheOldLeaderExits()
    {
        await using var h = new Harness(processes: 3);
        var old = await h.AllReadyAsync();

        h.Tell(new ReloadWorkers());
        var fresh = await h.GenerationStartedAsync(2);
        Assert.All(fresh, w => Assert.DoesNotContain(w.Serial, old.Select(o => o.Serial)));
        Assert.Equal(["reload: starting generation 2 (3 worker processes)"], h.Logged("ReloadStarted"));

        h.Ready(fresh[0]);
        h.Ready(fresh[2]);
        await h.SettleAsync();
        Assert.Empty(h.Drained);

        h.Ready(fresh[1]);
        foreach (var worker in old)
        {
            await h.Launcher.WaitForAsync(LauncherAction.Drain, worker);
        }

        await h.SettleAsync();
        AssertSameWorkers(old, h.Drained);
        Assert.Equal([old[0]], h.Led);

        h.Exit(old[1], 0);
        h.Exit(old[2], 0);
        await h.SettleAsync();
        Assert.Equal([old[0]], h.Led);

        h.Exit(old[0], 0);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, fresh[0]);
        await h.SettleAsync();
        Assert.Equal([old[0], fresh[0]], h.Led);
        Assert.Equal(6, h.Started.Count);
        Assert.Equal(1, h.ReadyCalls);
    }

    [Fact]
    public async Task ReadyWorker_DyingSoonAfterItBecameReady_IsReplacedAfterDoublingDelays_ThenAtOnceOnceOneLasts()
    {
        await using var h = new Harness(processes: 1, minimumUptime: TimeSpan.FromSeconds(10), firstRetryDelay: TimeSpan.FromSeconds(1));
        var worker = (await h.AllReadyAsync())[0];

        foreach (var delay in new[] { 1, 2, 4 })
        {
            h.Time.Advance(TimeSpan.FromSeconds(9));
            h.Exit(worker, 139);
            await h.SettleAfterExitAsync();
            var startsBefore = h.Started.Count;
            h.Time.Advance(TimeSpan.FromSeconds(delay) - Tick);
            await h.SettleAfterExitAsync();
            Assert.Equal(startsBefore, h.Started.Count);
            h.Time.Advance(Tick);
            worker = await h.ReplacementAsync(worker);
            h.Ready(worker);
        }

        h.Time.Advance(TimeSpan.FromSeconds(10)); // this one lasted: the next death is replaced at once
        h.Exit(worker, 139);
        await h.ReplacementAsync(worker);
    }

    [Fact]
    public async Task ReportStatus_LogsEveryWorkerWithItsStateAndAge_AndTheReplacementCount()
    {
        await using var h = new Harness(processes: 2);
        var workers = await h.AllReadyAsync();
        h.Time.Advance(TimeSpan.FromSeconds(75));
        h.Exit(workers[1], 137);
        await h.ReplacementAsync(workers[1]);

        h.Tell(new ReportStatus());
        await h.SettleAsync();

        var report = Assert.Single(h.Logged("Status"));
        Assert.Contains("generation 1 serving, reload under way: none, worker processes replaced: 1, reloads: 0", report, StringComparison.Ordinal);
        Assert.Contains($"{workers[0]}, pid {10_000 + workers[0].Serial}: ready, up 0:01:15, runs cron and timers", report, StringComparison.Ordinal);
        Assert.Contains("worker 1 (generation 1, #3): starting, up 0:00:00", report, StringComparison.Ordinal);
        Assert.DoesNotContain("#2)", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerExit_IsLoggedWithWhatItsStatusMeans_WhereTheStatusHasAMeaning()
    {
        await using var h = new Harness(processes: 3, exitStatusMeanings: new Dictionary<int, string> { [6] = "removed from the cluster" });
        var workers = await h.AllReadyAsync();

        h.Exit(workers[0], 6);
        h.Exit(workers[1], 137);
        h.Exit(workers[2], 7);
        await h.SettleAfterExitAsync();

        var died = h.Logged("WorkerDied");
        Assert.Equal(3, died.Count);
        Assert.Contains($"{workers[0]}, pid {10_000 + workers[0].Serial} exited unexpectedly (exit status 6: removed from the cluster)", died[0], StringComparison.Ordinal);
        Assert.Contains($"{workers[1]}, pid {10_000 + workers[1].Serial} exited unexpectedly (killed by signal 9)", died[1], StringComparison.Ordinal);
        Assert.Contains($"{workers[2]}, pid {10_000 + workers[2].Serial} exited unexpectedly (exit status 7)", died[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_ThatBecomesReadyWhileTheFirstGenerationNeverWas_AnnouncesReady()
    {
        await using var h = new Harness(processes: 2, maxStartFailures: 100);
        var first = await h.GenerationStartedAsync(1);
        h.Ready(first[0]);
        h.Exit(first[1], 1); // slot 1 keeps failing: generation 1 is never whole

        h.Tell(new ReloadWorkers());
        var second = await h.GenerationStartedAsync(2);
        Assert.Equal(0, h.ReadyCalls);
        h.Ready(second[0]);
        h.Ready(second[1]);

        await h.ReadyAsync();
        await h.Launcher.WaitForAsync(LauncherAction.Drain, first[0]);
        Assert.Equal(1, h.ReadyCalls);
    }

    [Fact]
    public async Task WorkerRetiring_DuringAReloadThatFails_IsReplacedOnceTheReloadIsAbandoned()
    {
        await using var h = new Harness(processes: 2);
        var old = await h.AllReadyAsync();
        h.Tell(new ReloadWorkers());
        var failing = await h.GenerationStartedAsync(2);

        h.Tell(new WorkerRetiring(old[1], "max-requests"));
        await h.SettleAsync();
        Assert.Equal(4, h.Started.Count); // the reload would replace it anyway
        h.Exit(failing[0], 1);

        var replacement = await h.ReplacementAsync(old[1]);
        Assert.Equal(1, replacement.Generation);
        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, old[1]);
        Assert.DoesNotContain(old[0], h.Drained);
    }

    [Fact]
    public async Task ReloadAskedWhileOneStarts_RunsOnceThatOneServes_AndSeveralAsksMakeOne()
    {
        // A deploy that signals twice: the first new generation may have imported the code before the second change.
        await using var h = new Harness(processes: 1);
        var first = (await h.AllReadyAsync())[0];
        h.Tell(new ReloadWorkers());
        var second = await h.StartedAsync(0, generation: 2);
        h.Tell(new ReloadWorkers());
        h.Tell(new ReloadWorkers());
        await h.SettleAsync();
        Assert.Equal(2, h.Started.Count); // nothing more while generation 2 starts
        Assert.Equal(2, h.Logged("ReloadQueued").Count);

        h.Ready(second);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, first);
        var third = await h.StartedAsync(0, generation: 3);
        h.Ready(third);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, second);
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.SettleAsync();

        Assert.Equal(3, h.Started.Count);
        Assert.Equal(2, h.Logged("ReloadComplete").Count);
    }

    [Fact]
    public async Task ReloadAskedWhileOneStarts_RunsAlsoWhenThatOneFails()
    {
        // The newer code may be the fix for what made the starting generation fail.
        await using var h = new Harness(processes: 1);
        var first = (await h.AllReadyAsync())[0];
        h.Tell(new ReloadWorkers());
        var broken = await h.StartedAsync(0, generation: 2);
        h.Tell(new ReloadWorkers());
        Assert.Equal(["reload: starting generation 2 (1 worker process)"], h.Logged("ReloadStarted"));

        h.Exit(broken, 4);
        var fixedOne = await h.StartedAsync(0, generation: 3);
        h.Ready(fixedOne);

        await h.Launcher.WaitForAsync(LauncherAction.Drain, first);
        Assert.Single(h.Logged("ReloadFailed"));
        Assert.Single(h.Logged("ReloadComplete"));
    }

    [Fact]
    public async Task Reload_AfterAFailedOne_UsesANewGenerationNumber()
    {
        await using var h = new Harness(processes: 1);
        await h.AllReadyAsync();
        h.Tell(new ReloadWorkers());
        var failed = await h.StartedAsync(0, generation: 2);
        h.Exit(failed, 4);
        await h.SettleAsync();

        h.Tell(new ReloadWorkers());

        Assert.Equal(3, (await h.StartedAsync(0, generation: 3)).Generation);
    }

    [Fact]
    public async Task Reload_WhoseNewWorkerFailsAtStartUp_DrainsTheOtherNewOnes_KeepsTheOldGeneration_AndALaterReloadWorks()
    {
        await using var h = new Harness(processes: 3);
        var old = await h.AllReadyAsync();

        h.Tell(new ReloadWorkers());
        var failed = await h.GenerationStartedAsync(2);
        h.Ready(failed[0]);
        h.Exit(failed[1], 1);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, failed[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, failed[2]);
        h.Exit(failed[0], 0);
        h.Exit(failed[2], 0);

        h.Time.Advance(TimeSpan.FromMinutes(10)); // no retry of the failed generation
        await h.SettleAsync();
        AssertSameWorkers([failed[0], failed[2]], h.Drained);
        Assert.Equal(6, h.Started.Count);
        Assert.Equal([old[0]], h.Led);

        h.Tell(new ReloadWorkers());
        await h.Launcher.WaitForAsync(
            c => c.Action == LauncherAction.Start && c.Worker.Slot == 2 && c.Worker.Serial > failed[2].Serial, "the second reload's slot 2");
        var fresh = h.Started.Skip(6).ToArray();
        Assert.Equal([0, 1, 2], fresh.Select(w => w.Slot));
        Assert.Single(fresh.Select(w => w.Generation).Distinct());
        Assert.True(fresh[0].Generation > 1, $"generation {fresh[0].Generation}");
        foreach (var worker in fresh)
        {
            h.Ready(worker);
        }

        foreach (var worker in old)
        {
            await h.Launcher.WaitForAsync(LauncherAction.Drain, worker);
        }

        h.Exit(old[0], 0);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, fresh[0]);
        Assert.Equal([old[0], fresh[0]], h.Led);
    }

    [Fact]
    public async Task ReplacementReadyDuringAReload_DoesNotDrainTheNewGenerationsWorkerOfItsSlot()
    {
        await using var h = new Harness(processes: 2);
        var old = await h.AllReadyAsync();
        h.Tell(new ReloadWorkers());
        var fresh = await h.GenerationStartedAsync(2);
        h.Ready(fresh[0]);

        // The old generation's slot 0 dies mid-reload and is replaced within its own generation.
        h.Exit(old[0], 137);
        var replacement = await h.ReplacementAsync(old[0]);
        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, replacement);
        await h.SettleAsync();
        Assert.Empty(h.Drained);

        h.Ready(fresh[1]);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, old[1]);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, replacement);
        h.Exit(old[1], 0);
        h.Exit(replacement, 0);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, fresh[0]);

        await h.SettleAsync();
        AssertSameWorkers([old[1], replacement], h.Drained);
        Assert.Equal([old[0], replacement, fresh[0]], h.Led);
    }

    [Fact]
    public async Task WorkerRetiring_StartsAReplacement_DrainsTheRetiringWorkerOnlyOnceItIsReady_AndASecondRequestStartsNoOther()
    {
        await using var h = new Harness(processes: 2);
        var workers = await h.AllReadyAsync();

        h.Tell(new WorkerRetiring(workers[1], "max-requests"));
        var replacement = await h.ReplacementAsync(workers[1]);
        Assert.Equal((1, 1), (replacement.Slot, replacement.Generation));
        h.Tell(new WorkerRetiring(workers[1], "max-requests"));
        await h.SettleAsync();
        Assert.Empty(h.Drained);
        Assert.Equal(3, h.Started.Count);

        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[1]);
        h.Exit(workers[1], 0);
        await h.SettleAsync();

        Assert.Equal([workers[1]], h.Drained);
        Assert.Equal(3, h.Started.Count);
        Assert.Equal([workers[0]], h.Led);
    }

    [Fact]
    public async Task RetiringLeader_KeepsTheRoleUntilItHasExited_ThenItsReplacementLeads()
    {
        await using var h = new Harness(processes: 2);
        var workers = await h.AllReadyAsync();

        h.Tell(new WorkerRetiring(workers[0], "max-rss"));
        var replacement = await h.ReplacementAsync(workers[0]);
        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[0]);
        await h.SettleAsync();
        Assert.Equal([workers[0]], h.Led);

        h.Exit(workers[0], 0);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, replacement);
        await h.SettleAsync();
        Assert.Equal([workers[0], replacement], h.Led);
    }

    [Fact]
    public async Task StopWorkers_DrainsEveryWorker_FinishesWithZeroOnceAllHaveExited_AndStartsNothingNew()
    {
        await using var h = new Harness(processes: 3);
        var workers = await h.GenerationStartedAsync(1);
        h.Ready(workers[0]);
        h.Ready(workers[1]); // workers[2] is still starting

        h.Tell(new StopWorkers());
        foreach (var worker in workers)
        {
            await h.Launcher.WaitForAsync(LauncherAction.Drain, worker);
        }

        h.Ready(workers[2]);
        h.Tell(new WorkerRetiring(workers[0], "max-requests"));
        h.Tell(new ReloadWorkers());
        h.Exit(workers[0], 137);
        h.Exit(workers[2], 1);
        Assert.Empty(h.FinishedStatuses);
        h.Exit(workers[1], 0);
        Assert.Equal(0, await h.FinishedAsync());

        h.Tell(new StopWorkers());
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.StopSupervisorAsync();
        Assert.Equal([0], h.FinishedStatuses);
        Assert.Equal(3, h.Started.Count);
        AssertSameWorkers(workers, h.Drained);
        Assert.Empty(h.Killed);
        Assert.Equal(0, h.ReadyCalls); // and ten minutes on, no stop timeout fired: Killed is empty
    }

    [Fact]
    public async Task StopWorkers_AskedAgainWhileDraining_KillsTheRemainingWorkersAtOnce()
    {
        await using var h = new Harness(processes: 2);
        var workers = await h.AllReadyAsync();
        h.Tell(new StopWorkers());
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[1]);
        h.Exit(workers[0], 0);

        h.Tell(new StopWorkers());
        await h.Launcher.WaitForAsync(LauncherAction.Kill, workers[1]);
        h.Exit(workers[1], 137);

        Assert.Equal(0, await h.FinishedAsync());
        Assert.Equal([workers[1]], h.Killed);
    }

    [Fact]
    public async Task StoppingWorker_ThatDoesNotExitWithinGracefulTimeoutPlusKillGrace_IsKilled()
    {
        await using var h = new Harness(processes: 2, gracefulTimeout: TimeSpan.FromSeconds(10), killGrace: TimeSpan.FromSeconds(5));
        var workers = await h.AllReadyAsync();

        h.Tell(new StopWorkers());
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[1]);
        h.Exit(workers[1], 0);

        h.Time.Advance(TimeSpan.FromSeconds(15) - Tick);
        Assert.Empty(h.Killed);
        h.Time.Advance(Tick);
        await h.Launcher.WaitForAsync(LauncherAction.Kill, workers[0]);

        h.Exit(workers[0], 137);
        Assert.Equal(0, await h.FinishedAsync());
        Assert.Equal([workers[0]], h.Killed);
    }

    [Fact]
    public async Task StartingWorker_NotReadyWithinStartTimeout_IsAbortedThenKilled_AndRetriedAsAStartFailure()
    {
        const int sigabrt = 6;
        await using var h = new Harness(processes: 2, startTimeout: TimeSpan.FromSeconds(60), firstRetryDelay: TimeSpan.FromSeconds(1));
        var workers = await h.GenerationStartedAsync(1);
        h.Ready(workers[0]);
        await h.Launcher.WaitForAsync(LauncherAction.Lead, workers[0]);

        h.Time.Advance(TimeSpan.FromSeconds(60) - Tick);
        await h.SettleAsync();
        Assert.Empty(h.Killed);
        h.Time.Advance(Tick);

        // First SIGABRT, for Python's fault handler to print where the start-up hangs; SIGKILL only if it outlives that.
        await h.Launcher.WaitForAsync(c => c.Action == LauncherAction.Signal && c.Signal == sigabrt && c.Worker == workers[1], "SIGABRT");
        Assert.Contains("not ready after 60 s; aborting it, so that its Python stack shows where its start-up hangs", h.Logged("StartTimedOut").Single(),
            StringComparison.Ordinal);
        h.Time.Advance(TimeSpan.FromSeconds(5) - Tick);
        await h.SettleAsync();
        Assert.Empty(h.Killed);
        h.Time.Advance(Tick);
        await h.Launcher.WaitForAsync(LauncherAction.Kill, workers[1]);

        h.Exit(workers[1], 137);
        await h.SettleAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var retry = await h.ReplacementAsync(workers[1]);
        h.Ready(retry);
        await h.ReadyAsync();
        await h.SettleAsync();
        Assert.Equal([workers[1]], h.Killed);
    }

    [Fact]
    public async Task ForwardSignal_ReachesEveryRunningWorker_ButNotOnesAlreadyDraining()
    {
        const int sigusr1 = 10;
        await using var h = new Harness(processes: 3);
        var workers = await h.AllReadyAsync();
        h.Tell(new WorkerRetiring(workers[2], "max-requests"));
        var replacement = await h.ReplacementAsync(workers[2]);
        h.Ready(replacement);
        await h.Launcher.WaitForAsync(LauncherAction.Drain, workers[2]);

        h.Tell(new ForwardSignal(sigusr1));
        await h.SettleAsync();

        var signalled = h.Launcher.Calls.Where(c => c.Action == LauncherAction.Signal && c.Signal == sigusr1).Select(c => c.Worker);
        AssertSameWorkers([workers[0], workers[1], replacement], signalled);
    }

    [Fact]
    public async Task ForwardSignal_IsHeldBackFromAWorkerStillStarting_WhichItWouldEnd()
    {
        const int sigusr2 = 12;
        await using var h = new Harness(processes: 2);
        var workers = await h.GenerationStartedAsync(1);
        h.Ready(workers[0]);

        h.Tell(new ForwardSignal(sigusr2));
        await h.SettleAsync();

        var signalled = h.Launcher.Calls.Where(c => c.Action == LauncherAction.Signal && c.Signal == sigusr2).Select(c => c.Worker);
        AssertSameWorkers([workers[0]], signalled);
        Assert.Equal([$"signal 12 not passed to {workers[1]}: it is still starting (importing the application) and cannot report yet"],
            h.Logged("SignalHeldBack").Where(m => m.StartsWith("signal 12 ", StringComparison.Ordinal)));
    }

    /// <summary>The same workers, each once, in any order (the supervisor walks a dictionary).</summary>
    private static void AssertSameWorkers(IEnumerable<WorkerId> expected, IEnumerable<WorkerId> actual) =>
        Assert.Equal(expected.OrderBy(w => w.Serial), actual.OrderBy(w => w.Serial));

    /// <summary>One supervisor with its fake launcher, manual clock and recorded callbacks.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly int _processes;
        private readonly ConcurrentQueue<int> _finished = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<int> _firstFinish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly RecordingLoggerFactory _logs = new();
        private int _readyCalls;
        private int _barrierSignal = 1000;

        public Harness(
            int processes,
            TimeSpan? gracefulTimeout = null,
            TimeSpan? killGrace = null,
            TimeSpan? startTimeout = null,
            TimeSpan? firstRetryDelay = null,
            TimeSpan? maxRetryDelay = null,
            int maxStartFailures = 5,
            IReadOnlySet<int>? fatalStartExitCodes = null,
            TimeSpan? minimumUptime = null,
            IReadOnlyDictionary<int, string>? exitStatusMeanings = null)
        {
            _processes = processes;
            var options = new SupervisorOptions
            {
                Processes = processes,
                GracefulTimeout = gracefulTimeout ?? TimeSpan.FromSeconds(30),
                KillGrace = killGrace ?? TimeSpan.FromSeconds(15),
                StartTimeout = startTimeout ?? TimeSpan.FromMinutes(5),
                FirstRetryDelay = firstRetryDelay ?? TimeSpan.FromSeconds(1),
                MaxRetryDelay = maxRetryDelay ?? TimeSpan.FromSeconds(30),
                MaxStartFailures = maxStartFailures,
                // Zero unless a test is about it: the other tests' workers die at once and are meant as long-lived.
                MinimumUptime = minimumUptime ?? TimeSpan.Zero,
                FatalStartExitCodes = fatalStartExitCodes ?? new HashSet<int>(),
                ExitStatusMeanings = exitStatusMeanings ?? new Dictionary<int, string>(),
                OnReady = () =>
                {
                    Interlocked.Increment(ref _readyCalls);
                    _ready.TrySetResult();
                },
                OnFinished = status =>
                {
                    _finished.Enqueue(status);
                    _firstFinish.TrySetResult(status);
                },
            };
            System = ActorSystem.Create("supervisor-test", ActorTest.TestConfig);
            Time = (TestScheduler)System.Scheduler;
            Supervisor = ActorTest.StartIn(System,
                SupervisorActor.Props(Launcher, options, new SchedulerClock(Time), _logs.CreateLogger("supervisor"))
                    .WithDispatcher(ActorDispatchers.CallingThread),
                "supervisor");
        }

        /// <summary>Akka's virtual scheduler, which also gives the supervisor its elapsed times.</summary>
        public TestScheduler Time { get; }

        public FakeWorkerLauncher Launcher { get; } = new();

        public ActorSystem System { get; }

        public IActorRef Supervisor { get; }

        public int ReadyCalls => Volatile.Read(ref _readyCalls);

        public IReadOnlyList<int> FinishedStatuses => [.. _finished];

        public IReadOnlyList<WorkerId> Started => Launcher.WorkersOf(LauncherAction.Start);

        public IReadOnlyList<WorkerId> Drained => Launcher.WorkersOf(LauncherAction.Drain);

        public IReadOnlyList<WorkerId> Killed => Launcher.WorkersOf(LauncherAction.Kill);

        public IReadOnlyList<WorkerId> Led => Launcher.WorkersOf(LauncherAction.Lead);

        public void Tell(object message) => Supervisor.Tell(message);

        /// <summary>Plays a worker that started and is accepting connections.</summary>
        public void Ready(WorkerId worker)
        {
            Tell(new WorkerStarted(worker, 10_000 + worker.Serial));
            Tell(new WorkerReady(worker));
        }

        public void Exit(WorkerId worker, int status) => Tell(new WorkerExited(worker, status));

        public async Task<WorkerId> StartedAsync(int slot, int generation, int afterSerial = 0) =>
            (await Launcher.WaitForAsync(
                c => c.Action == LauncherAction.Start && c.Worker.Slot == slot && c.Worker.Generation == generation && c.Worker.Serial > afterSerial,
                $"Start of slot {slot}, generation {generation}, serial above {afterSerial}")).Worker;

        /// <summary>The next worker started for the slot and generation of <paramref name="worker"/>.</summary>
        public Task<WorkerId> ReplacementAsync(WorkerId worker) => StartedAsync(worker.Slot, worker.Generation, worker.Serial);

        public async Task<WorkerId[]> GenerationStartedAsync(int generation)
        {
            var workers = new WorkerId[_processes];
            for (var slot = 0; slot < _processes; slot++)
            {
                workers[slot] = await StartedAsync(slot, generation);
            }

            return workers;
        }

        /// <summary>Starts generation 1, reports all of it ready, and waits for OnReady and slot 0's leadership.</summary>
        public async Task<WorkerId[]> AllReadyAsync()
        {
            var workers = await GenerationStartedAsync(1);
            foreach (var worker in workers)
            {
                Ready(worker);
            }

            await ReadyAsync();
            await Launcher.WaitForAsync(LauncherAction.Lead, workers[0]);
            return workers;
        }

        public Task ReadyAsync() => _ready.Task.WaitAsync(Patience);

        public Task<int> FinishedAsync() => _firstFinish.Task.WaitAsync(Patience);

        /// <summary>
        /// Waits until the supervisor has handled everything told so far: it handles messages in order, so once it
        /// has forwarded a fresh signal, all earlier messages are done. Needs a worker that is not draining.
        /// </summary>
        public async Task SettleAsync()
        {
            var signal = Interlocked.Increment(ref _barrierSignal);
            Tell(new ForwardSignal(signal));
            await Launcher.WaitForAsync(c => c.Action == LauncherAction.Signal && c.Signal == signal, $"barrier signal {signal}");
        }

        /// <summary>
        /// Like <see cref="SettleAsync"/>, for moments with no running worker to bounce a signal off: the supervisor
        /// handles messages in order, so once it has logged a fresh status report, all earlier messages are done.
        /// </summary>
        public async Task SettleAfterExitAsync()
        {
            var reports = Logged("Status").Count;
            Tell(new ReportStatus());
            var deadline = DateTime.UtcNow + Patience;
            while (Logged("Status").Count <= reports)
            {
                Assert.True(DateTime.UtcNow < deadline, "the supervisor did not report its status");
                await Task.Delay(5);
            }
        }

        /// <summary>The messages logged so far under the event name <paramref name="name"/>.</summary>
        public IReadOnlyList<string> Logged(string name) => [.. _logs.Entries.Where(e => e.EventId.Name == name).Select(e => e.Message)];

        /// <summary>Waits until the supervisor has logged <paramref name="count"/> start-up failures it will retry.</summary>
        public async Task StartFailuresLoggedAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (_logs.Entries.Count(e => e.EventId.Name == "StartFailed") < count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"Timed out waiting for {count} StartFailed log entries. Calls so far:{Environment.NewLine}" +
                        FakeWorkerLauncher.Describe(Launcher.Calls));
                }

                await Task.Delay(5);
            }
        }

        /// <summary>Stops the supervisor once it has handled everything told so far, so that nothing more can happen.</summary>
        public Task<bool> StopSupervisorAsync() => Supervisor.GracefulStop(Patience);

        public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(Patience);
    }
}
