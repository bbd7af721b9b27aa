using System.Diagnostics;
using System.Globalization;
using System.Net;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Actors.Dispatch.Priority;
using AkkaWsgi.Python.Wsgi;

// What the priority queue costs the thread that holds the GIL per request, with N requests waiting: one take, the
// start and end of the request taken, and one arrival, as under steady load. Between two takes a few megabytes are
// touched, as the Python run in between does, so the queue's data is measured out of the caches, where it is in the
// server. The waiting requests come from the exempt clients (loopback, as in bench/compare.py) or each from a public
// address of its own (the costliest case: a lane and a client's counts per request).
//
//   dotnet run -c Release --project bench/queue-take [ROUNDS]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var caches = new byte[8 << 20];
foreach (var waiting in new[] { 128, 1024 })
{
    foreach (var publicClients in new[] { false, true })
    {
        var queue = new PriorityQueuePolicy(new PriorityOptions(), TimeProvider.System);
        for (var i = 0; i < waiting; i++)
        {
            queue.Enqueue(new Waiting(publicClients ? IPAddress.Parse($"198.18.{i / 250}.{(i % 250) + 1}") : IPAddress.Loopback));
        }

        var clock = new Stopwatch();
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < caches.Length; k += 64)
            {
                caches[k]++;
            }

            clock.Start();
            var taken = queue.TakeNext(busyWorkers: 0)!;
            queue.Started(taken);
            queue.Finished(taken);
            queue.Enqueue(taken);
            clock.Stop();
        }

        Console.WriteLine(FormattableString.Invariant(
            $"{waiting,5} waiting, {(publicClients ? "each from a public address of its own" : "from exempt clients"),-38}: {clock.Elapsed.TotalMicroseconds / rounds:0.00} µs per request"));
    }
}

/// <summary>A request as the queue sees it: where it comes from, nothing to run.</summary>
internal sealed class Waiting(IPAddress client) : IRequestJob
{
    public IWsgiExchange Exchange => throw new NotSupportedException();

    public RequestInfo Info { get; } = new(client, "/", false, null);

    public bool IsAbandoned => false;

    public void Complete()
    {
    }

    public void Reject(int statusCode, TimeSpan? retryAfter)
    {
    }
}
