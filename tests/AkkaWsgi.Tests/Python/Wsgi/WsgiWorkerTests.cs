using System.Text;
using AkkaWsgi.Python.Wsgi;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Python.Wsgi;

/// <summary>The WSGI bridge run in-process against a real embedded CPython, with a recording response.</summary>
public sealed class WsgiWorkerTests
{
    private static EmbeddedPython Python => EmbeddedPython.Shared;

    [Fact]
    public void Run_ListResult_IsWrittenWithoutFlushingLeavingThatToTheConnection()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("201 Made Here", [("Content-Type", "text/plain"), ("X-Two", "2")])
                return [b"hello ", b"", b"world"]
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal(201, exchange.Status);
        Assert.Equal("Made Here", exchange.Reason);
        Assert.Equal("text/plain", exchange.Headers["Content-Type"]);
        Assert.Equal("hello world", exchange.BodyText);
        Assert.Equal(0, exchange.Flushes);
    }

    [Fact]
    public void Run_LargeListResult_IsFlushedAsItGoesSoTheTransportNeverHoldsItAll()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"x" * 40000 for _ in range(5)]
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal(200000, exchange.BodyText.Length);
        Assert.Equal(2, exchange.Flushes);
    }

    [Fact]
    public void Run_Generator_FlushesEveryItemAsItIsProduced()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                def body():
                    for i in range(3):
                        yield b"%d" % i
                return body()
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal("012", exchange.BodyText);
        Assert.True(exchange.Flushes >= 3, $"{exchange.Flushes} flushes");
    }

    [Fact]
    public void Run_IterableThatCompletesItsContentLength_LeavesTheLastBlockForTheConnectionToSend()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "11")])
                return iter([b"hello ", b"world"])
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal("hello world", exchange.BodyText);
        Assert.Equal(1, exchange.Flushes); // the first block only: nothing can follow the last
    }

    [Fact]
    public void Run_IterableWithoutContentLength_FlushesEveryBlock()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return iter([b"hello ", b"world"])
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal("hello world", exchange.BodyText);
        Assert.Equal(2, exchange.Flushes);
    }

    [Fact]
    public void Run_GeneratorThatCompletesItsContentLength_StillSendsItsLastBlockAtOnce()
    {
        // Code after a generator's last yield runs before it stops: the client must not wait for it.
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "11")])
                def body():
                    yield b"hello "
                    yield b"world"
                return body()
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal("hello world", exchange.BodyText);
        Assert.Equal(2, exchange.Flushes);
    }

    [Fact]
    public void Run_Environ_HasPep3333KeysAndLatin1Path()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                keys = ["wsgi.version", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once",
                        "wsgi.input_terminated", "SCRIPT_NAME", "PATH_INFO", "HTTP_X_TEST"]
                text = "|".join(repr(environ[k]) for k in keys)
                text += "|" + str("HTTP_X_SPOOFED" in environ) + "|" + type(environ["wsgi.input"]).__name__
                return [text.encode("utf-8")]
            """);
        var exchange = Run(worker, new RecordingExchange("/caf\u00c3\u00a9"));

        Assert.Equal("(1, 0)|True|False|False|True|''|'/caf\u00c3\u00a9'|'yes'|False|BytesIO",
            Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(exchange.BodyText)));
    }

    [Fact]
    public void Run_ApplicationRaises_Answers500WithoutTracebackAndLogsIt()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                raise ValueError("secret detail")
            """);
        var exchange = Run(worker, new RecordingExchange("/boom"));

        Assert.Equal(500, exchange.Status);
        Assert.DoesNotContain("secret", exchange.BodyText, StringComparison.Ordinal);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /boom", StringComparison.Ordinal) &&
            l.Contains("ValueError: secret detail", StringComparison.Ordinal) && l.Contains("Traceback", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NonBytesItem_Answers500AndNamesTheType()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return ["text"]
            """);
        var exchange = Run(worker, new RecordingExchange("/str"));

        Assert.Equal(500, exchange.Status);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /str", StringComparison.Ordinal) && l.Contains("contains a str;", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("b'hello'", "returned bytes, not an iterable of bytes: return [body]")]
    [InlineData("'hello'", "returned a str, not an iterable of bytes: return [text.encode()]")]
    [InlineData("None", "returned None, not an iterable of bytes (is a return statement missing?)")]
    [InlineData("(c for c in 'hi')", "contains a str;")]
    public void Run_WholeBodyInsteadOfAnIterable_Answers500SayingWhatToReturn(string returned, string message)
    {
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                start_response("200 OK", [])
                return {{returned}}
            """);
        var exchange = Run(worker, new RecordingExchange($"/whole/{Guid.NewGuid():N}"));

        Assert.Equal(500, exchange.Status);
        Assert.Equal("Internal Server Error\n", exchange.BodyText);
        Assert.Contains(Python.Logs.Lines, l => l.Contains(exchange.Description, StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_HopByHopHeaders_AreLeftOutAndReportedOnceEach()
    {
        // What an application that copies a proxied response's headers sends; other servers leave them out too.
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [("X-Upstream", "1"), ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"),
                                          ("transfer-encoding", "chunked"), ("Proxy-Authorization", "Basic c2VjcmV0")])
                return [b"proxied"]
            """);
        var first = Run(worker, new RecordingExchange("/proxied/1"));
        var second = Run(worker, new RecordingExchange("/proxied/2"));

        foreach (var exchange in new[] { first, second })
        {
            Assert.Equal(200, exchange.Status);
            Assert.Equal("proxied", exchange.BodyText);
            Assert.Equal(["X-Upstream", "Content-Length"], exchange.Headers.Keys); // the length is the server's own
        }

        Assert.Single(Python.Logs.Lines, l => l.Contains("GET /proxied/1: the application sent the hop-by-hop header 'transfer-encoding: chunked'", StringComparison.Ordinal));
        Assert.DoesNotContain(Python.Logs.Lines, l => l.Contains("GET /proxied/2", StringComparison.Ordinal));
        Assert.Single(Python.Logs.Lines, l => l.Contains("'Proxy-Authorization: (not shown)'", StringComparison.Ordinal));
        Assert.DoesNotContain(Python.Logs.Lines, l => l.Contains("c2VjcmV0", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NonBytesItemAfterBytesInAList_Answers500WithNoneOfTheList()
    {
        // A list is checked whole before any of it is copied, so a bad item still leaves room for a clean 500.
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                return [b"first;", 42]
            """);
        var exchange = Run(worker, new RecordingExchange("/after-bytes"));

        Assert.Equal(500, exchange.Status);
        Assert.False(exchange.Aborted);
        Assert.Equal("Internal Server Error\n", exchange.BodyText);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /after-bytes", StringComparison.Ordinal) && l.Contains("contains an int", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[b'0123456789']", "100", "shorter than its Content-Length: 10 bytes, 100 declared")]
    [InlineData("[]", "3", "shorter than its Content-Length: 0 bytes, 3 declared")]
    [InlineData("[b'0123', b'456789']", "5", "longer than its Content-Length: 10 bytes, 5 declared")]
    [InlineData("iter([])", "3", "shorter than its Content-Length: 0 bytes, 3 declared")]
    [InlineData("iter([b'0123456789'])", "5", "longer than its Content-Length of 5 bytes (0 sent, then 10 more)")]
    public void Run_BodyContradictingContentLengthBeforeAnythingWentOut_Answers500(string body, string declared, string message)
    {
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                start_response("200 OK", [("X-App", "1"), ("Content-Length", "{{declared}}")])
                return {{body}}
            """);
        var exchange = Run(worker, new RecordingExchange($"/length/{Guid.NewGuid():N}"));

        Assert.Equal(500, exchange.Status);
        Assert.False(exchange.Aborted);
        Assert.False(exchange.Headers.ContainsKey("X-App"), "the application's headers were kept on the 500");
        Assert.Equal("Internal Server Error\n", exchange.BodyText);
        Assert.Contains(Python.Logs.Lines, l => l.Contains($"{exchange.Description} failed, answered 500", StringComparison.Ordinal) &&
                                               l.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("(b for b in [b'01234', b'56789'])", "7", "01234", "longer than its Content-Length of 7 bytes (5 sent, then 5 more)")]
    [InlineData("(b for b in [b'01234'])", "7", "01234", "shorter than its Content-Length: 5 bytes, 7 declared")]
    public void Run_BodyContradictingContentLengthAfterItStarted_IsCutShort(string body, string declared, string sentBefore, string message)
    {
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "{{declared}}")])
                return {{body}}
            """);
        var exchange = Run(worker, new RecordingExchange($"/length/{Guid.NewGuid():N}"));

        Assert.Equal(200, exchange.Status);
        Assert.True(exchange.Aborted);
        Assert.Equal(sentBefore, exchange.BodyText);
        Assert.Contains(Python.Logs.Lines, l => l.Contains($"{exchange.Description} failed after the response started", StringComparison.Ordinal) &&
                                               l.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_IterableCompletingItsContentLengthThenFailing_SendsWhatWasBufferedBeforeCuttingIt()
    {
        // The last block of an iterable is left for the connection to send; a failure after it must not lose it.
        var (_, worker) = Python.Load("""
            class Body:
                def __init__(self): self.items = [b"hello world"]
                def __iter__(self): return self
                def __next__(self):
                    if self.items: return self.items.pop(0)
                    raise RuntimeError("after the last block")
            def application(environ, start_response):
                start_response("200 OK", [("Content-Length", "11")])
                return Body()
            """);
        var exchange = Run(worker, new RecordingExchange("/fails-after-last"));

        Assert.True(exchange.Aborted);
        Assert.Equal("hello world", exchange.BodyText);
        Assert.Equal(1, exchange.Flushes); // by the server, before it cut the response
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /fails-after-last failed after the response started", StringComparison.Ordinal) &&
                                               l.Contains("after the last block", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("200 OK", "HEAD")]
    [InlineData("204 No Content", "GET")]
    [InlineData("304 Not Modified", "GET")]
    public void Run_ResponseWithoutABody_DropsWhatTheApplicationProducesAndChecksNoLength(string status, string method)
    {
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                start_response("{{status}}", [("Content-Length", "5")])
                return [b"0123456789"]
            """);
        var exchange = Run(worker, new RecordingExchange("/bodyless") { Method = method });

        Assert.Equal(int.Parse(status[..3], System.Globalization.CultureInfo.InvariantCulture), exchange.Status);
        Assert.False(exchange.Aborted);
        Assert.Equal("", exchange.BodyText);
        Assert.Equal("5", exchange.Headers["Content-Length"]);
    }

    [Theory]
    [InlineData("start_response('20 OK', [])", "three-digit")]
    [InlineData("start_response('200 OK', [('Bad Name', 'v')])", "not a valid HTTP token")]
    [InlineData("start_response('200 OK', [('X', 'a\\r\\nb')])", "control character")]
    [InlineData("start_response('200 OK', [('X', 1)])", "the value must be a str, not int")]
    [InlineData("start_response('200 OK', {})", "must be a list")]
    [InlineData("start_response(200, [])", "status must be a str")]
    public void Run_InvalidStartResponse_Answers500AndSaysWhatWasWrong(string call, string message)
    {
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                {{call}}
                return [b"never"]
            """);
        var exchange = Run(worker, new RecordingExchange($"/invalid/{Guid.NewGuid():N}"));

        Assert.Equal(500, exchange.Status);
        Assert.Contains(Python.Logs.Lines, l => l.Contains(exchange.Description, StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ClientLeavesMidResponse_StopsIteratingAndClosesOnce()
    {
        var (app, worker) = Python.Load("""
            produced = []
            closed = []
            class Body:
                def __iter__(self):
                    while True:
                        produced.append(1)
                        yield b"x"
                def close(self):
                    closed.append(1)
            def application(environ, start_response):
                if environ["PATH_INFO"] == "/count":
                    start_response("200 OK", [])
                    return [b"%d %d" % (len(produced), len(closed))]
                start_response("200 OK", [])
                return Body()
            """);
        var streaming = Run(worker, new RecordingExchange("/stream") { ClientLeavesAfterFlushes = 2 });
        var count = Run(worker, new RecordingExchange("/count"));

        Assert.Equal("xx", streaming.BodyText);
        Assert.Equal("2 1", count.BodyText);
    }

    [Fact]
    public void Run_ExcInfoBeforeAnythingWasSent_ReplacesStatusAndHeaders()
    {
        var (_, worker) = Python.Load("""
            import sys
            def application(environ, start_response):
                start_response("200 OK", [("X-First", "1")])
                try:
                    raise KeyError("k")
                except KeyError:
                    start_response("503 Try Later", [("X-Second", "2")], sys.exc_info())
                return [b"replaced"]
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal(503, exchange.Status);
        Assert.False(exchange.Headers.ContainsKey("X-First"));
        Assert.Equal("2", exchange.Headers["X-Second"]);
        Assert.Equal("replaced", exchange.BodyText);
    }

    [Fact]
    public void Run_ExcInfoAfterHeadersWereSent_ReraisesAndAbortsTheConnection()
    {
        var (_, worker) = Python.Load("""
            import sys
            def application(environ, start_response):
                write = start_response("200 OK", [])
                write(b"partial")
                try:
                    raise KeyError("original problem")
                except KeyError:
                    start_response("500 Error", [], sys.exc_info())
                return [b"unreachable"]
            """);
        var exchange = Run(worker, new RecordingExchange("/reraise"));

        Assert.Equal(200, exchange.Status);
        Assert.True(exchange.Aborted);
        Assert.Equal("partial", exchange.BodyText);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /reraise", StringComparison.Ordinal) && l.Contains("KeyError: 'original problem'", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_SecondStartResponseWithoutExcInfo_Fails()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                start_response("200 OK", [])
                start_response("200 OK", [])
                return [b""]
            """);
        var exchange = Run(worker, new RecordingExchange("/twice"));

        Assert.Equal(500, exchange.Status);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("GET /twice", StringComparison.Ordinal) && l.Contains("already called", StringComparison.Ordinal));
    }

    [Fact]
    public void StartResponseKeptFromAnEarlierRequest_RefusesToWork()
    {
        var (_, worker) = Python.Load("""
            kept = []
            def application(environ, start_response):
                if not kept:
                    kept.append(start_response)
                    start_response("200 OK", [])
                    return [b"first"]
                try:
                    kept[0]("200 OK", [])
                    message = "accepted"
                except RuntimeError as e:
                    message = str(e)
                start_response("200 OK", [])
                return [message.encode()]
            """);
        Run(worker, new RecordingExchange());
        var second = Run(worker, new RecordingExchange());

        Assert.Contains("request that has ended", second.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ThreadLocalValues_PersistBetweenRequestsOnAWorker()
    {
        var (_, worker) = Python.Load("""
            import threading
            local = threading.local()
            def application(environ, start_response):
                local.n = getattr(local, "n", 0) + 1
                start_response("200 OK", [])
                return [b"%d" % local.n]
            """);

        Assert.Equal("1", Run(worker, new RecordingExchange()).BodyText);
        Assert.Equal("2", Run(worker, new RecordingExchange()).BodyText);
    }

    [Fact]
    public void Run_WriteCallable_SendsBeforeTheIterable()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                write = start_response("200 OK", [])
                write(b"one ")
                return [b"two"]
            """);

        Assert.Equal("one two", Run(worker, new RecordingExchange()).BodyText);
    }

    [Fact]
    public void Run_NoStartResponse_Answers500()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                return []
            """);
        var exchange = Run(worker, new RecordingExchange("/silent"));

        Assert.Equal(500, exchange.Status);
        Assert.Contains(Python.Logs.Lines, l => l.Contains("without calling start_response", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_Input_IsAFullFileObject(bool spilled)
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                f = environ["wsgi.input"]
                first = f.readline()
                part = f.readline(3)
                rest = f.readlines()
                after = f.read()
                start_response("200 OK", [])
                return [repr((first, part, rest, after, environ.get("CONTENT_LENGTH"))).encode()]
            """);
        var data = Encoding.ASCII.GetBytes("line one\nline two\nlast");
        RequestBody body;
        string? file = null;
        if (spilled)
        {
            file = Path.GetTempFileName();
            File.WriteAllBytes(file, data);
            body = new RequestBody.InFile(file, data.Length);
        }
        else
        {
            body = new RequestBody.InMemory(data);
        }

        try
        {
            var exchange = Run(worker, new RecordingExchange("/", body));

            Assert.Equal("(b'line one\\n', b'lin', [b'e two\\n', b'last'], b'', None)", exchange.BodyText);
        }
        finally
        {
            if (file is not null)
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void Run_FileWrapper_SendsTheFileFromItsPositionWithoutIterating()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "0123456789");
        var (_, worker) = Python.Load($$"""
            class Tracking:
                def __init__(self, f): self.f = f
                def read(self, n): raise AssertionError("the server should not read through Python")
                def fileno(self): return self.f.fileno()
                def tell(self): return self.f.tell()
                def close(self): self.f.close()
            def application(environ, start_response):
                f = open({{'"' + file + '"'}}, "rb")
                f.seek(4)
                start_response("200 OK", [])
                return environ["wsgi.file_wrapper"](Tracking(f))
            """);
        try
        {
            var exchange = Run(worker, new RecordingExchange());

            Assert.Equal("456789", exchange.BodyText);
            Assert.Equal((4L, (long?)6), exchange.SentFile);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Run_FileWrapper_HandsTheFileOverAndItStaysReadableAfterTheApplicationClosesIt()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "0123456789");
        var (_, worker) = Python.Load($$"""
            import os
            class Removing:
                def __init__(self, f): self.f = f
                def read(self, n): raise AssertionError("the server should not read through Python")
                def fileno(self): return self.f.fileno()
                def tell(self): return self.f.tell()
                def close(self):
                    self.f.close()
                    os.unlink(self.f.name)
            def application(environ, start_response):
                f = open({{'"' + file + '"'}}, "rb")
                f.seek(4)
                start_response("200 OK", [])
                return environ["wsgi.file_wrapper"](Removing(f))
            """);
        var exchange = Run(worker, new RecordingExchange { TakesFilesLater = true });

        // close() has run, and removed the file: what was handed over is the server's own descriptor.
        Assert.False(File.Exists(file));
        Assert.Null(exchange.SentFile);
        Assert.Equal((4L, 6L), (exchange.FileHandedOver!.Value.Offset, exchange.FileHandedOver.Value.Count));
        exchange.SendFileHandedOver();
        Assert.Equal("456789", exchange.BodyText);
    }

    [Fact]
    public void Run_FileWrapperOverANonFile_IsIterated()
    {
        var (_, worker) = Python.Load("""
            import io
            def application(environ, start_response):
                start_response("200 OK", [])
                return environ["wsgi.file_wrapper"](io.BytesIO(b"in memory"), 4)
            """);
        var exchange = Run(worker, new RecordingExchange());

        Assert.Equal("in memory", exchange.BodyText);
        Assert.Null(exchange.SentFile);
    }

    [Fact]
    public void Run_WsgiErrors_GoToTheServerLog()
    {
        var marker = Guid.NewGuid().ToString("N");
        var (_, worker) = Python.Load($$"""
            def application(environ, start_response):
                environ["wsgi.errors"].write("first {{marker}}\nsecond ")
                environ["wsgi.errors"].write("{{marker}}\n")
                start_response("200 OK", [])
                return [b""]
            """);
        Run(worker, new RecordingExchange());

        Assert.Contains(Python.Logs.Lines, l => l.EndsWith($"wsgi.errors: first {marker}", StringComparison.Ordinal));
        Assert.Contains(Python.Logs.Lines, l => l.EndsWith($"wsgi.errors: second {marker}", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_Environ_ReusesTheLastValueOfAKeyOnlyWhileItIsTheSame()
    {
        // The first request's strs are kept alive here, so a new str can never take the address of a freed one.
        var (_, worker) = Python.Load("""
            seen = []
            def application(environ, start_response):
                seen.append((environ["REQUEST_METHOD"], environ["SERVER_PROTOCOL"]))
                first_method, first_protocol = seen[0]
                start_response("200 OK", [])
                return [("%s %s %s" % (environ["REQUEST_METHOD"], environ["REQUEST_METHOD"] is first_method,
                                       environ["SERVER_PROTOCOL"] is first_protocol)).encode()]
            """);

        Assert.Equal("GET True True", Run(worker, new RecordingExchange()).BodyText);
        Assert.Equal("GET True True", Run(worker, new RecordingExchange()).BodyText);
        Assert.Equal("POST False True", Run(worker, new RecordingExchange { Method = "POST" }).BodyText);
        Assert.Equal("GET False True", Run(worker, new RecordingExchange()).BodyText);
    }

    [Fact]
    public void Run_StatusAndHeadersThatChange_AreEachResponsesOwn_AndAnInvalidStatusIsRefusedAfterAValidOne()
    {
        var (_, worker) = Python.Load("""
            answers = [("200 OK", "1"), ("404 Not Found", "22"), ("200 OK", "1"), ("200 OK", "333"), ("200 ", "4")]
            def application(environ, start_response):
                status, n = answers.pop(0)
                start_response(status, [("X-N", n)])
                return [b"x"]
            """);

        var seen = Enumerable.Range(0, 4).Select(_ => Run(worker, new RecordingExchange()))
            .Select(e => $"{e.Status} {e.Reason} {e.Headers["X-N"]}").ToList();
        var invalid = Run(worker, new RecordingExchange());

        Assert.Equal(["200 OK 1", "404 Not Found 22", "200 OK 1", "200 OK 333"], seen);
        Assert.Equal(500, invalid.Status);
        Assert.False(invalid.Headers.ContainsKey("X-N"));
    }

    [Fact]
    public void InterruptThatArrivesOnceTheApplicationIsDone_IsWithdrawn_AndDoesNotHitTheWorkersNextRequest()
    {
        var (_, worker) = Python.Load("""
            def application(environ, start_response):
                total = 0
                for i in range(1000):  # bytecode that a pending interrupt would stop at once
                    total += i
                start_response("200 OK", [])
                return [b"done ", str(total).encode()]
            """);
        RecordingExchange? interrupted = null;
        var raised = false;
        interrupted = new RecordingExchange
        {
            // The list's items are sent without running any bytecode, so the interrupt is still pending at the end.
            BeforeWrite = () => raised |= worker.TryInterrupt(interrupted!, TimeSpan.FromSeconds(30)),
        };

        static int CleanupFailures() => Python.Logs.Lines.Count(l => l.Contains("releasing logging locks", StringComparison.Ordinal));
        var failuresBefore = CleanupFailures();

        Run(worker, interrupted);
        var next = Run(worker, new RecordingExchange());

        Assert.True(raised);
        // Left pending, the interrupt would go off in the worker's own clean-up of the request, the first Python it runs.
        Assert.Equal(failuresBefore, CleanupFailures());
        Assert.Equal(200, next.Status);
        Assert.Equal("done 499500", next.BodyText);
    }

    private static RecordingExchange Run(WsgiWorker worker, RecordingExchange exchange)
    {
        Python.Run(() =>
        {
            worker.Run(exchange);
            return 0;
        });
        return exchange;
    }
}
