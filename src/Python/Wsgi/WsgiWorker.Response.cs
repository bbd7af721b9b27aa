using System.Globalization;
using System.Text;
using AkkaWsgi.Python.Native;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>The response half of a request: start_response, write() and the body iterable.</summary>
public sealed partial class WsgiWorker
{
    // Past this many buffered bytes of a list or tuple the worker flushes, so a large list never sits whole in the
    // transport's buffers.
    private const int FlushThreshold = 64 * 1024;

    private static readonly byte[] InternalErrorBody = Encoding.ASCII.GetBytes("Internal Server Error\n");
    private static readonly KeyValuePair<string, string>[] InternalErrorHeaders =
    [
        new("Content-Type", "text/plain; charset=utf-8"),
        new("Content-Length", InternalErrorBody.Length.ToString(CultureInfo.InvariantCulture)),
    ];

    private static readonly KeyValuePair<string, string>[] EmptyHeaders = [new("Content-Length", "0")];

    private List<KeyValuePair<string, string>> headers = [];

    // The status and the first headers' names and values of the last responses, and the last status parsed.
    private const int StatusPlace = 0;
    private const int KeptHeaders = 16;
    private readonly RecentText recentText = new(1 + (2 * KeptHeaders));
    private string? lastStatus;
    private int lastCode;
    private string lastReason = "";

    // start_response parses into this one and swaps it with headers only when every header is valid: an invalid call
    // leaves what an earlier one set (a later call with exc_info may still replace it).
    private List<KeyValuePair<string, string>> parsedHeaders = [];
    private bool startCalled;
    private bool started;
    private bool clientGone;
    private int statusCode;
    private string reasonPhrase = "";
    private long? declaredLength;
    private long sent;
    private bool bodyless; // Bodyless, fixed once the response has started
    private int unflushed;

    private IWsgiResponse Response => (exchange ?? throw new InvalidOperationException("no request is running")).Response;

    private void ResetResponse()
    {
        headers.Clear();
        startCalled = started = clientGone = false;
        statusCode = 0;
        reasonPhrase = "";
        declaredLength = null;
        sent = 0;
        bodyless = false;
        unflushed = 0;
    }

    /// <summary>
    /// True when the response carries no body (RFC 9110 6.4.1: a HEAD request, 1xx, 204, 205 and 304): what the
    /// application produces is read and dropped, and Content-Length describes a body that is not sent.
    /// </summary>
    private bool Bodyless => Response.DiscardsBody || statusCode < 200 || statusCode is 204 or 205 or 304;

    internal PyObject? StartResponse(long token, PyArgs args)
    {
        CheckToken(token, "start_response()");
        if (args.Count is < 2 or > 3)
        {
            throw new PyRaiseException(PyErrorKind.TypeError, $"start_response() takes 2 or 3 arguments ({args.Count} given)");
        }

        var hasExcInfo = args.Count == 3 && !args[2].IsNone;
        if (startCalled && !hasExcInfo)
        {
            throw new PyRaiseException(PyErrorKind.RuntimeError,
                "start_response() was already called; call it again only with exc_info (PEP 3333)");
        }

        if (hasExcInfo && started)
        {
            Reraise(args[2]);
        }

        if (!args[0].TryGetUtf8(out var statusUtf8))
        {
            throw new PyRaiseException(PyErrorKind.TypeError, $"status must be a str, not {args[0].TypeName()}");
        }

        var status = recentText.Get(StatusPlace, statusUtf8);
        if (!ReferenceEquals(status, lastStatus))
        {
            // A status seen last time is the same string (RecentText), already parsed and found valid.
            if (ResponseValidation.ParseStatus(status, out var parsedCode, out var parsedReason) is { } statusError)
            {
                throw new PyRaiseException(PyErrorKind.ValueError, statusError);
            }

            (lastStatus, lastCode, lastReason) = (status, parsedCode, parsedReason);
        }

        var (code, reason) = (lastCode, lastReason);

        var list = args[1];
        if (!list.IsList && !list.IsTuple)
        {
            throw new PyRaiseException(PyErrorKind.TypeError, $"response_headers must be a list of (name, value) tuples, not {list.TypeName()}");
        }

        var parsed = parsedHeaders;
        parsed.Clear();
        long? length = null;
        for (var i = 0; i < list.SequenceLength; i++)
        {
            var pair = list.SequenceItem(i);
            if (!(pair.IsTuple || pair.IsList) || pair.SequenceLength != 2)
            {
                throw new PyRaiseException(PyErrorKind.TypeError, $"response header {i} must be a (name, value) tuple, not {pair.TypeName()}");
            }

            if (!pair.SequenceItem(0).TryGetUtf8(out var nameUtf8))
            {
                throw new PyRaiseException(PyErrorKind.TypeError,
                    $"response header {i}: the name must be a str, not {pair.SequenceItem(0).TypeName()}");
            }

            var name = recentText.Get(HeaderPlace(i), nameUtf8);
            if (!pair.SequenceItem(1).TryGetUtf8(out var valueUtf8))
            {
                throw new PyRaiseException(PyErrorKind.TypeError,
                    $"response header '{name}': the value must be a str, not {pair.SequenceItem(1).TypeName()}");
            }

            var value = recentText.Get(HeaderPlace(i) + 1, valueUtf8);

            if (ResponseValidation.CheckHeader(name, value) is { } headerError)
            {
                throw new PyRaiseException(PyErrorKind.ValueError, headerError);
            }

            if (ResponseValidation.IsHopByHop(name))
            {
                if (app.FirstHopByHop(name))
                {
                    // Proxy credentials copied from a request must not reach the log.
                    WsgiLog.HopByHopHeaderDropped(logger, exchange!.Description, name,
                        name.StartsWith("Proxy-Auth", StringComparison.OrdinalIgnoreCase) ? "(not shown)" : value);
                }

                continue;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    throw new PyRaiseException(PyErrorKind.ValueError, $"Content-Length '{value}' is not a byte count");
                }

                if (length is { } earlier && earlier != n)
                {
                    throw new PyRaiseException(PyErrorKind.ValueError, $"Content-Length is given twice, as {earlier} and as {n}");
                }

                if (length is not null)
                {
                    continue; // RFC 9110 8.6: a repeat of the same value (a middleware setting it again) is the one length
                }

                length = n;
            }

            parsed.Add(new(name, value));
        }

        statusCode = code;
        reasonPhrase = reason;
        (headers, parsedHeaders) = (parsed, headers);
        declaredLength = length;
        startCalled = true;
        return FunctionTable.Create(app.WriteId, token);
    }

    private static int HeaderPlace(int index) => 1 + (2 * index);

    internal PyObject? Write(long token, PyArgs args)
    {
        CheckToken(token, "write()");
        if (!startCalled)
        {
            throw new PyRaiseException(PyErrorKind.RuntimeError, "write() called before start_response()");
        }

        if (args.Count != 1 || !args[0].TryGetBytes(out var data))
        {
            throw new PyRaiseException(PyErrorKind.TypeError,
                args.Count != 1 ? $"write() takes 1 argument ({args.Count} given)" : $"write() argument must be bytes, not {args[0].TypeName()}");
        }

        if (data.Length > 0)
        {
            EnsureStarted();
            if (!bodyless)
            {
                if (declaredLength is { } length && sent + data.Length > length)
                {
                    throw new PyRaiseException(PyErrorKind.ValueError,
                        $"write() of {data.Length} bytes would take the body past its Content-Length of {length} bytes ({sent} sent)");
                }

                Response.Write(data);
                sent += data.Length;
            }

            Flush();
        }

        return clientGone ? throw new PyRaiseException(PyErrorKind.OSError, "the client has disconnected") : null;
    }

    private void CheckToken(long token, string what)
    {
        if ((uint)token != sequence || exchange is null)
        {
            throw new PyRaiseException(PyErrorKind.RuntimeError, $"{what} belongs to a request that has ended");
        }
    }

    /// <summary>start_response with exc_info after the headers went out: re-raise it (PEP 3333).</summary>
    private static void Reraise(PyBorrowed excInfo)
    {
        if (!excInfo.IsTuple || excInfo.SequenceLength != 3)
        {
            throw new PyRaiseException(PyErrorKind.TypeError, "exc_info must be a (type, value, traceback) tuple");
        }

        Py.Restore(excInfo.SequenceItem(0).ToOwned(), excInfo.SequenceItem(1).ToOwned(), excInfo.SequenceItem(2).ToOwned());
        throw PyRaiseException.AlreadySet;
    }

    private void SendBody(PyObject result)
    {
        if (result.IsListOrTuple)
        {
            SendSequence(result);
            return;
        }

        // wsgi.file_wrapper sends a file up to Content-Length, read or sent whole (as TrySendFile does).
        var isFile = result.IsInstance(app.FileWrapperType);
        if (isFile && TrySendFile(result))
        {
            return;
        }

        if (result.IsNone)
        {
            throw new WsgiProtocolException("the application returned None, not an iterable of bytes (is a return statement missing?)");
        }

        // A generator may still run code after its last block (cleanup before it returns): that block is sent at once.
        var lastMayWait = !result.IsInstance(app.GeneratorType);
        using var iterator = result.GetIter();
        while (!clientGone)
        {
            using var item = iterator.Next();
            if (item is null)
            {
                break;
            }

            if (!item.TryGetBytes(out var data))
            {
                throw WholeBodyReturned(result) ?? NotBytes(item.TypeName());
            }

            if (data.Length == 0)
            {
                continue; // an empty item must not make the headers go out (PEP 3333 "Buffering and Streaming")
            }

            EnsureStarted();
            if (!bodyless)
            {
                if (isFile && sent + data.Length > declaredLength)
                {
                    data = data[..(int)(declaredLength.Value - sent)];
                }
                else if (sent + data.Length > declaredLength)
                {
                    throw new WsgiProtocolException(
                        $"the response body is longer than its Content-Length of {declaredLength} bytes ({sent} sent, then {data.Length} more)");
                }

                Response.Write(data);
                sent += data.Length;
            }

            if (isFile && (sent == declaredLength || bodyless))
            {
                break; // the rest of the file is not sent, so it is not read either
            }

            if (lastMayWait && sent == declaredLength)
            {
                // The body is complete: nothing may follow, and the connection side sends it as it ends the response,
                // off this thread. PEP 3333 only forbids holding a block back while the application makes the next.
                continue;
            }

            Flush();
        }
    }

    /// <summary>
    /// A list or tuple: every item exists already, so they are copied without a flush each (PEP 3333 only forbids
    /// delaying a block while the application produces the next). Items are read borrowed, the way the C-API
    /// iterates a list, because no Python code runs between reading an item and copying it out.
    /// </summary>
    /// <remarks>
    /// The items are checked before the first is copied, so a wrong one, or a length that contradicts
    /// Content-Length, is answered with a 500 of its own rather than with a response cut short. A response that has
    /// not started and declares no length gets the whole body's as its Content-Length, as a file server's would:
    /// chunked framing would cost bytes for nothing, and an HTTP/1.0 client (ab, a proxy) could not keep its
    /// connection, whose end would have to mark the body's.
    /// </remarks>
    private void SendSequence(PyObject items)
    {
        var count = items.SequenceLength;
        var measure = declaredLength is null && startCalled && !started && !Bodyless;
        if (count > 1 || declaredLength is not null || measure)
        {
            long total = 0;
            for (var i = 0; i < count; i++)
            {
                if (!items.TryGetItemBytes(i, out var data, out var typeName))
                {
                    throw NotBytes(typeName);
                }

                total += data.Length;
            }

            if (declaredLength is { } length && sent + total != length && startCalled && !Bodyless)
            {
                throw new WsgiProtocolException(LengthMismatch(sent + total, length));
            }

            if (measure)
            {
                headers.Add(new("Content-Length", total.ToString(CultureInfo.InvariantCulture)));
                declaredLength = total;
            }
        }

        for (var i = 0; i < count && !clientGone; i++)
        {
            if (!items.TryGetItemBytes(i, out var data, out var typeName))
            {
                throw NotBytes(typeName);
            }

            if (data.Length == 0)
            {
                continue;
            }

            EnsureStarted();
            if (bodyless)
            {
                continue;
            }

            Response.Write(data);
            sent += data.Length;
            unflushed += data.Length;
            if (unflushed >= FlushThreshold)
            {
                Flush();
            }
        }
    }

    private static string LengthMismatch(long body, long declared) =>
        $"the response body is {(body > declared ? "longer" : "shorter")} than its Content-Length: {body} bytes, {declared} declared";

    private static WsgiProtocolException NotBytes(string? typeName) =>
        new($"the response body contains {Words.Article(typeName)} {typeName}; every item of the iterable must be bytes (PEP 3333)");

    // The two commonest mistakes, named for what they are: iterating them yields ints or one-character strs.
    private static WsgiProtocolException? WholeBodyReturned(PyObject result) =>
        result.TryGetBytes(out _)
            ? new("the application returned bytes, not an iterable of bytes: return [body] (iterating bytes gives ints)")
            : result.TypeName() == "str"
                ? new("the application returned a str, not an iterable of bytes: return [text.encode()] (PEP 3333 bodies are bytes)")
                : null;

    private bool TrySendFile(PyObject wrapper)
    {
        using var method = wrapper.GetAttr(app.SendFileParamsName);
        using var parameters = method.Call();
        if (parameters.IsNone)
        {
            return false;
        }

        using var fd = parameters.TupleItem(0);
        using var offset = parameters.TupleItem(1);
        using var size = parameters.TupleItem(2);
        var start = offset.ToInt64();
        var available = Math.Max(0, size.ToInt64() - start);
        var count = declaredLength is { } declared ? declared - sent : available;
        if (count > available && !Bodyless)
        {
            throw new WsgiProtocolException(
                $"the response body is shorter than its Content-Length: the file has {available} bytes from offset {start}, {count} declared");
        }

        EnsureStarted();
        if (count > 0 && !bodyless)
        {
            var descriptor = (int)fd.ToInt64();
            if (!SendFileLater(descriptor, start, count))
            {
                // The descriptor stays the application's: it is closed by close() on the wrapper, not here.
                using var file = new SafeFileHandle(descriptor, ownsHandle: false);
                if (!WaitWithoutGil(Response.SendFileAsync(file, start, count)))
                {
                    clientGone = true;
                }
            }

            sent += count;
        }

        return true;
    }

    /// <summary>
    /// Hands the file to the connection side, through a descriptor of its own, so that this worker is free as soon as
    /// the application's part is done instead of for as long as the client takes to download it. close() on the
    /// wrapper may then close the application's descriptor at once.
    /// </summary>
    private bool SendFileLater(int descriptor, long start, long count)
    {
        SafeFileHandle copy;
        try
        {
            copy = Posix.Duplicate(descriptor);
        }
        catch (IOException)
        {
            return false; // no descriptor to spare: the file is sent from here, as the application's own
        }

        if (Response.TrySendFileLater(copy, start, count))
        {
            return true;
        }

        copy.Dispose();
        return false;
    }

    private void EnsureStarted()
    {
        if (started)
        {
            return;
        }

        if (!startCalled)
        {
            throw new WsgiProtocolException("the application produced a response body before calling start_response()");
        }

        started = true;
        Response.Start(statusCode, reasonPhrase, headers);
        bodyless = Bodyless; // after Start, which decides whether the response is held back
    }

    private void Flush()
    {
        unflushed = 0;
        var pending = Response.FlushAsync();
        var delivered = pending.IsCompletedSuccessfully ? pending.Result : WaitWithoutGil(pending);
        clientGone |= !delivered;
    }

    /// <summary>Waits for the network with the GIL released, so other workers run Python meanwhile.</summary>
    private bool WaitWithoutGil(ValueTask<bool> pending)
    {
        using (thread.ReleaseGil())
        {
            return pending.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Completes the response: headers of an empty body, or the failure as a 500 or an abort.</summary>
    /// <remarks>
    /// A failure of close() alone, once the whole body was produced, leaves a response that went out complete as it
    /// is: the error is logged, and the client, which got everything, is not cut off.
    /// </remarks>
    private void Finish(string? failure, string? closeFailure)
    {
        if (failure is null && !startCalled)
        {
            failure = "the application returned without calling start_response()";
        }

        if (failure is not null && closeFailure is not null)
        {
            failure = $"{failure}\nclose() then raised too:\n{closeFailure}";
        }
        else if (closeFailure is not null)
        {
            if (!started)
            {
                failure = closeFailure;
            }
            else
            {
                WsgiLog.CloseFailed(logger, exchange!.Description, closeFailure);
            }
        }

        if (failure is null && sent < declaredLength && !clientGone && startCalled && !Bodyless)
        {
            failure = LengthMismatch(sent, declaredLength.Value);
        }

        if (failure is null)
        {
            if (clientGone)
            {
                WsgiLog.ClientGone(logger, exchange!.Description);
                return;
            }

            // Bytes still buffered are sent when the connection side completes the response, on its own thread:
            // flushing here would wake the transport once more for every request.
            EnsureStarted();
            return;
        }

        if (started && !Response.HasStarted && Response.TryDiscard())
        {
            started = false; // nothing went out: the failure gets a response of its own
        }

        if (started)
        {
            if (!Response.HasStarted)
            {
                // What is buffered goes out before the connection is cut: the client sees as much as was produced,
                // and a response that started is never replaced by another.
                Flush();
            }

            if (interruptedAfter is { } ranFor)
            {
                WsgiLog.StartedRequestTimedOut(logger, exchange!.Description, ranFor.TotalSeconds, failure);
            }
            else
            {
                WsgiLog.ResponseAborted(logger, exchange!.Description, failure);
            }

            Response.Abort();
            return;
        }

        started = true;
        if (interruptedAfter is { } elapsed)
        {
            // 502, as a proxy in front would answer for a backend that did not respond in time.
            WsgiLog.RequestTimedOut(logger, exchange!.Description, elapsed.TotalSeconds, 502, failure);
            Response.Start(502, "Bad Gateway", EmptyHeaders);
            return;
        }

        WsgiLog.ApplicationError(logger, exchange!.Description, failure);
        Response.Start(500, "Internal Server Error", InternalErrorHeaders);
        Response.Write(InternalErrorBody);
        Flush();
    }
}
