using System.Diagnostics;
using System.Globalization;
using AkkaWsgi.Hosting.Logging;
using AkkaWsgi.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class AccessLogStreamTests : ActorTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Post_WritesEveryLineInOrder_AndCompleteWaitsForTheLast()
    {
        var output = new GatedLogger();
        var log = new AccessLogStream(output);
        log.Start(Sys);

        for (var i = 0; i < 100; i++)
        {
            log.Post(Entry(i));
        }

        await log.CompleteAsync().WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"/{i}"), output.Lines.Select(RequestPath));
        Assert.Contains("127.0.0.1 - - [", output.Lines[0], StringComparison.Ordinal);
        Assert.EndsWith("\" 200 13 \"-\" \"test\" 0.002", output.Lines[0], StringComparison.Ordinal);
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public async Task Post_WhileTheOutputIsStuck_NeverWaits_DropsWhatDoesNotFit_AndSaysSoOnceItFlows()
    {
        var output = new GatedLogger { Blocked = true };
        var log = new AccessLogStream(output, capacity: 10);
        log.Start(Sys);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            log.Post(Entry(i));
        }

        var posting = clock.Elapsed;
        output.Blocked = false;
        await log.CompleteAsync().WaitAsync(Patience);

        Assert.True(posting < TimeSpan.FromSeconds(2), $"posting took {posting}");
        var dropped = Assert.Single(output.Lines, l => l.StartsWith("access log:", StringComparison.Ordinal));
        var written = output.Lines.Where(l => l != dropped).Select(RequestPath).ToList();
        // Nothing is lost without a word: every entry was either written, in order, or counted as dropped.
        Assert.Equal(1000, written.Count + log.Dropped);
        Assert.InRange(log.Dropped, 900, 990); // at most the buffer and the stream's own few in flight got through
        Assert.Equal(written.OrderBy(p => int.Parse(p[1..], CultureInfo.InvariantCulture)), written);
        Assert.Equal("/0", written[0]);
        Assert.Contains($"{log.Dropped} lines dropped", dropped, StringComparison.Ordinal);
    }

    private static AccessEntry Entry(int i) => new("GET", $"/{i}", $"request-{i}", "127.0.0.1", new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero),
        $"GET /{i} HTTP/1.1", 200, 13, "-", "test", TimeSpan.FromMilliseconds(2));

    private static string RequestPath(string line) => line.Split('"')[1].Split(' ')[1];

    /// <summary>Records lines; while <see cref="Blocked"/>, a write waits, as on a terminal nobody reads.</summary>
    private sealed class GatedLogger : ILogger
    {
        private readonly List<string> lines = [];
        private volatile bool blocked;

        public bool Blocked
        {
            get => blocked;
            set => blocked = value;
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (blocked && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }

            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}
