using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaWsgi.Tests.Support;

/// <summary>
/// A deliberately small HTTP/1.x client over a raw socket, for what HttpClient will not send or
/// hides: malformed requests, pipelining, byte-by-byte writes, exact framing of the response
/// (chunked or not, terminated or cut off) and whether the server closed the connection.
/// Every read has a deadline.
/// </summary>
public sealed class RawHttpClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly List<byte> _pending = [];
    private bool _eof;

    private RawHttpClient(Socket socket)
    {
        _socket = socket;
    }

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>True once a read has seen the peer's FIN or RST.</summary>
    public bool PeerClosed => _eof;

    /// <summary>Connects to the server; a small <paramref name="receiveBuffer"/> makes a client that is slow to read.</summary>
    public static async Task<RawHttpClient> ConnectAsync(int port, TimeSpan? timeout = null, IPAddress? address = null, int? receiveBuffer = null)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer is { } size)
        {
            // Before connecting: the window the client announces is fixed then.
            socket.ReceiveBufferSize = size;
        }
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new RawHttpClient(socket);
    }

    /// <summary>Sends text as latin-1, so every char below U+0100 is exactly one byte on the wire.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
        }
    }

    /// <summary>Sends the bytes one at a time with a pause between them, like a very slow client.</summary>
    public async Task SendSlowlyAsync(string text, TimeSpan pause)
    {
        foreach (var b in Encoding.Latin1.GetBytes(text))
        {
            await SendAsync([b]);
            await Task.Delay(pause);
        }
    }

    /// <summary>Half-closes the sending side, as a client does after its last request.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Drops the connection with a reset, as a client that goes away mid-response.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>Reads one response. For a HEAD request pass <paramref name="headRequest"/>: its
    /// Content-Length describes a body that is not sent (RFC 9110 §9.3.2).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool headRequest = false, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var response = await ReadOneAsync(headRequest, cts.Token);
                if (response.StatusCode != 100)
                {
                    return response;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"no complete response within {timeout ?? DefaultTimeout}; buffered so far: {Latin1(_pending.ToArray())}");
        }
    }

    /// <summary>Reads until the server closes the connection; throws if it does not within the timeout.</summary>
    public async Task<byte[]> ReadUntilCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await FillAsync(cts.Token))
            {
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"connection still open after {timeout ?? DefaultTimeout}");
        }

        return Take(_pending.Count);
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered (or the peer closes).</summary>
    public async Task<byte[]> ReadAtLeastAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (_pending.Count < count && await FillAsync(cts.Token))
            {
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"only {_pending.Count} of {count} bytes within {timeout ?? DefaultTimeout}: {Latin1(_pending.ToArray())}");
        }

        return Take(Math.Min(count, _pending.Count));
    }

    /// <summary>Reads until <paramref name="marker"/> has arrived; returns everything up to and including it.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var needle = Encoding.Latin1.GetBytes(marker);
        try
        {
            int index;
            while ((index = IndexOf(needle)) < 0)
            {
                if (!await FillAsync(cts.Token))
                {
                    throw new IOException($"connection closed before '{marker}': {Latin1(_pending.ToArray())}");
                }
            }

            return Latin1(Take(index + needle.Length));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"'{marker}' not seen within {timeout ?? DefaultTimeout}: {Latin1(_pending.ToArray())}");
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the server to close the connection, discarding
    /// anything it sends meanwhile. Returns false if it is still open at the deadline.
    /// </summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        try
        {
            await ReadUntilCloseAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private async Task<RawResponse> ReadOneAsync(bool headRequest, CancellationToken token)
    {
        var head = await ReadHeadAsync(token);
        var lines = head.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not an HTTP status line: {lines[0]}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var response = new RawResponse
        {
            Version = statusParts[0],
            StatusCode = int.Parse(statusParts[1], CultureInfo.InvariantCulture),
            Reason = statusParts.Length > 2 ? statusParts[2] : string.Empty,
            Headers = headers,
        };

        var noBody = headRequest || response.StatusCode is (>= 100 and < 200) or 204 or 304;
        if (noBody)
        {
            return response with { Complete = true };
        }

        if (response.Header("Transfer-Encoding") is { } te && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return await ReadChunkedAsync(response, token);
        }

        if (response.Header("Content-Length") is { } lengthText)
        {
            var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
            while (_pending.Count < length && await FillAsync(token))
            {
            }

            var complete = _pending.Count >= length;
            return response with { Body = Take(Math.Min(length, _pending.Count)), Complete = complete, EndedByClose = !complete };
        }

        while (await FillAsync(token))
        {
        }

        return response with { Body = Take(_pending.Count), Complete = true, EndedByClose = true };
    }

    private async Task<string> ReadHeadAsync(CancellationToken token)
    {
        var end = "\r\n\r\n"u8.ToArray();
        int index;
        while ((index = IndexOf(end)) < 0)
        {
            if (!await FillAsync(token))
            {
                throw new IOException(_pending.Count == 0
                    ? "connection closed before any response byte"
                    : $"connection closed inside the response head: {Latin1(_pending.ToArray())}");
            }
        }

        var head = Latin1(Take(index));
        Take(end.Length);
        return head;
    }

    private async Task<RawResponse> ReadChunkedAsync(RawResponse response, CancellationToken token)
    {
        var body = new List<byte>();
        var chunks = new List<int>();
        while (true)
        {
            var crlf = "\r\n"u8.ToArray();
            int index;
            while ((index = IndexOf(crlf)) < 0)
            {
                if (!await FillAsync(token))
                {
                    return response with { Body = [.. body], Chunks = chunks, Complete = false, EndedByClose = true };
                }
            }

            var sizeLine = Latin1(Take(index)).Split(';')[0].Trim();
            Take(2);
            var size = int.Parse(sizeLine, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            while (_pending.Count < size + 2 && await FillAsync(token))
            {
            }

            if (_pending.Count < size + 2)
            {
                body.AddRange(Take(Math.Min(size, _pending.Count)));
                return response with { Body = [.. body], Chunks = chunks, Complete = false, EndedByClose = true };
            }

            if (size == 0)
            {
                // No trailers are expected from a WSGI response: the terminator is a bare CRLF.
                Take(2);
                return response with { Body = [.. body], Chunks = chunks, Complete = true };
            }

            body.AddRange(Take(size));
            chunks.Add(size);
            Take(2);
        }
    }

    private async Task<bool> FillAsync(CancellationToken token)
    {
        if (_eof)
        {
            return false;
        }

        var buffer = new byte[65536];
        int read;
        try
        {
            read = await _socket.ReceiveAsync(buffer, SocketFlags.None, token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            read = 0;
        }

        if (read == 0)
        {
            _eof = true;
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, read));
        return true;
    }

    private int IndexOf(byte[] needle)
    {
        for (var i = 0; i + needle.Length <= _pending.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = _pending[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }

    private byte[] Take(int count)
    {
        var taken = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return taken;
    }
}

/// <summary>One parsed response as it came off the wire.</summary>
public sealed record RawResponse
{
    public string Version { get; init; } = string.Empty;

    public int StatusCode { get; init; }

    public string Reason { get; init; } = string.Empty;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IReadOnlyList<byte> Body { get; init; } = [];

    /// <summary>Sizes of the data chunks, for a chunked response.</summary>
    public IReadOnlyList<int> Chunks { get; init; } = [];

    /// <summary>False when the connection ended before the framing said the body was over.</summary>
    public bool Complete { get; init; }

    /// <summary>True when the connection closed to end the body: a close-delimited body, or one cut short.</summary>
    public bool EndedByClose { get; init; }

    public string BodyText => Encoding.Latin1.GetString([.. Body]);

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Value).FirstOrDefault();

    public IReadOnlyList<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Value).ToList();
}
