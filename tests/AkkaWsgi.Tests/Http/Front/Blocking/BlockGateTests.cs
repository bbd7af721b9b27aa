using System.Net;
using AkkaWsgi.Hosting.Front.Blocking;
using AkkaWsgi.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Tests.Http.Front.Blocking;

public sealed class BlockGateTests : IDisposable
{
    private static readonly IPAddress Blocked = IPAddress.Parse("203.0.113.5");
    private static readonly IPAddress Free = IPAddress.Parse("198.51.100.7");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider time = new();
    private readonly RecordingLoggerFactory logs = new();
    private readonly BlockList blocks;
    private readonly BlockGate gate;

    public BlockGateTests()
    {
        blocks = new BlockList(time, logs.CreateLogger("akkawsgi.block"));
        gate = new BlockGate(blocks, time);
    }

    public void Dispose() => blocks.Dispose();

    [Fact]
    public async Task BlockedClient_Gets429AfterTheDelay_AndTheRestOfThePipelineIsNotRun()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(300));
        var context = Context(Blocked);
        var passedOn = false;

        var pending = gate.InvokeAsync(context, _ =>
        {
            passedOn = true;
            return Task.CompletedTask;
        });
        time.Advance(BlockGate.MaxDelay - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted, "answered before the delay");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await pending.WaitAsync(Patience);

        Assert.False(passedOn);
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal(0, context.Response.ContentLength);
        Assert.Equal(1, blocks.RefusedTotal);
    }

    [Fact]
    public async Task OtherClients_ArePassedOnAtOnce()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(300));
        var context = Context(Free);
        var passedOn = false;

        var pending = gate.InvokeAsync(context, _ =>
        {
            passedOn = true;
            return Task.CompletedTask;
        });

        Assert.True(pending.IsCompleted);
        await pending;
        Assert.True(passedOn);
        Assert.Equal(0, blocks.RefusedTotal);
    }

    [Fact]
    public async Task Delay_IsTheRemainingBlock_WhenShorterThanTheLongestDelay()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromSeconds(1));

        var pending = gate.InvokeAsync(Context(Blocked), _ => Task.CompletedTask);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        await pending.WaitAsync(Patience);
    }

    [Fact]
    public async Task AtMost100AreHeldAtOnce_The101stIsAnsweredImmediately()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(300));
        var held = Enumerable.Range(0, BlockGate.MaxDelayed).Select(_ => Refuse()).ToList();
        Assert.All(held, t => Assert.False(t.IsCompleted));
        Assert.Equal(BlockGate.MaxDelayed, gate.Delayed);

        var extra = Context(Blocked);
        var immediate = gate.InvokeAsync(extra, _ => Task.CompletedTask);

        Assert.True(immediate.IsCompleted, "the 101st request was held");
        Assert.Equal(StatusCodes.Status429TooManyRequests, extra.Response.StatusCode);
        time.Advance(BlockGate.MaxDelay);
        await Task.WhenAll(held).WaitAsync(Patience);
        Assert.Equal(0, gate.Delayed);
        Assert.False(Refuse().IsCompleted, "a slot freed by a finished delay was not reused");
    }

    [Fact]
    public async Task ClientDisconnecting_EndsTheDelayEarly_WithoutAnAnswer()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(300));
        using var aborted = new CancellationTokenSource();
        var context = Context(Blocked);
        context.RequestAborted = aborted.Token;

        var pending = gate.InvokeAsync(context, _ => Task.CompletedTask);
        Assert.False(pending.IsCompleted);
        await aborted.CancelAsync();

        await pending.WaitAsync(Patience);
        Assert.Equal(0, gate.Delayed);
        Assert.NotEqual(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
    }

    [Fact]
    public async Task AfterTheBlockEnds_TheClientIsPassedOn()
    {
        blocks.Block(BlockKey.For(Blocked)!.Value, TimeSpan.FromSeconds(2));
        var refused = gate.InvokeAsync(Context(Blocked), _ => Task.CompletedTask);
        time.Advance(TimeSpan.FromSeconds(2));
        await refused.WaitAsync(Patience);
        var passedOn = false;

        await gate.InvokeAsync(Context(Blocked), _ =>
        {
            passedOn = true;
            return Task.CompletedTask;
        });

        Assert.True(passedOn);
        Assert.Contains(logs.Entries, e => e.Message == "block on 203.0.113.5 ended after 2 s: 1 request refused with 429");
    }

    private Task Refuse() => gate.InvokeAsync(Context(Blocked), _ => Task.CompletedTask);

    private static DefaultHttpContext Context(IPAddress client)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = client;
        return context;
    }
}
