using System.Net;
using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>
/// The front's first check, right after the forwarded headers named the client: a blocked client gets an empty 429,
/// after a delay, before its body is read or the dispatcher hears of it.
/// </summary>
/// <remarks>
/// The delay slows down a client that retries in a loop, without a thread per request (it is a timer), and without
/// telling it when the block ends (no Retry-After: the clients blocked are the ones that should not plan around it).
/// Only <see cref="MaxDelayed"/> requests are held at once, so a flood of them cannot pile up connections and timers;
/// the rest are answered at once.
/// </remarks>
internal sealed class BlockGate(BlockList blocks, TimeProvider time)
{
    /// <summary>Requests held delayed at once; more are refused without a delay.</summary>
    public const int MaxDelayed = 100;

    /// <summary>The longest delay, well below the usual 30 to 60 s client and proxy timeouts, so the 429 is seen.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(25);

    private int delayed;

    /// <summary>Requests being held right now.</summary>
    public int Delayed => Volatile.Read(ref delayed);

    /// <summary>The middleware: refuses a blocked client's request, or passes it on.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsRefused(context.Connection.RemoteIpAddress, out var remaining) ? RefuseAsync(context, remaining) : next(context);
    }

    /// <summary>True (and counted) when <paramref name="client"/> is blocked; <paramref name="remaining"/>: for how long.</summary>
    public bool IsRefused(IPAddress? client, out TimeSpan remaining)
    {
        remaining = TimeSpan.Zero;
        return BlockKey.For(client) is { } key && blocks.TryRefuse(key, out remaining);
    }

    /// <summary>
    /// Completes after min(<see cref="MaxDelay"/>, <paramref name="remaining"/>), or at once when
    /// <see cref="MaxDelayed"/> requests are already held; early when <paramref name="aborted"/> fires.
    /// </summary>
    public async Task HoldAsync(TimeSpan remaining, CancellationToken aborted)
    {
        if (Interlocked.Increment(ref delayed) > MaxDelayed)
        {
            Interlocked.Decrement(ref delayed);
            return;
        }

        try
        {
            await Task.Delay(remaining < MaxDelay ? remaining : MaxDelay, time, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client left: nobody is waiting for the answer.
        }
        finally
        {
            Interlocked.Decrement(ref delayed);
        }
    }

    private async Task RefuseAsync(HttpContext context, TimeSpan remaining)
    {
        await HoldAsync(remaining, context.RequestAborted).ConfigureAwait(false);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentLength = 0;
    }
}
