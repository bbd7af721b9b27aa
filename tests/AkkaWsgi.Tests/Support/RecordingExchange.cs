using System.Text;
using AkkaWsgi.Python.Wsgi;
using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Tests.Support;

/// <summary>An exchange that records what the bridge does to the response, for in-process bridge tests.</summary>
public sealed class RecordingExchange(string path = "/", RequestBody? body = null) : IWsgiExchange, IWsgiResponse
{
    private readonly MemoryStream written = new();

    public string Description => $"GET {path}";

    public RequestBody Body { get; } = body ?? RequestBody.Empty;

    public IWsgiResponse Response => this;

    public Dictionary<string, string> Headers { get; } = [];

    public int? Status { get; private set; }

    public string? Reason { get; private set; }

    public int StartCount { get; private set; }

    public int Flushes { get; private set; }

    public bool Aborted { get; private set; }

    /// <summary>After this many flushes the client "disconnects".</summary>
    public int? ClientLeavesAfterFlushes { get; init; }

    public (long Offset, long? Count)? SentFile { get; private set; }

    public bool IsClientGone => ClientLeavesAfterFlushes is { } n && Flushes >= n;

    public bool DiscardsBody => Method == "HEAD";

    /// <summary>Like the transport's: true once a flush followed the start.</summary>
    public bool HasStarted { get; private set; }

    /// <summary>How many times a response that had not gone out was discarded.</summary>
    public int Discards { get; private set; }

    public bool TryDiscard()
    {
        if (HasStarted || written.Length > 0)
        {
            return false;
        }

        Discards++;
        Status = null;
        Reason = null;
        Headers.Clear();
        return true;
    }

    public string BodyText => Encoding.Latin1.GetString(written.ToArray());

    /// <summary>The request's REQUEST_METHOD.</summary>
    public string Method { get; init; } = "GET";

    public void WriteEnviron(EnvironWriter environ)
    {
        environ.Set(EnvironKey.RequestMethod, Method);
        environ.Set(EnvironKey.PathInfo, Encoding.Latin1.GetBytes(path));
        environ.Set(EnvironKey.QueryString, "");
        environ.Set(EnvironKey.ServerName, "localhost");
        environ.Set(EnvironKey.ServerPort, "80");
        environ.Set(EnvironKey.ServerProtocol, "HTTP/1.1");
        environ.Set(EnvironKey.UrlScheme, "http");
        environ.AddHeader("X-Test", "yes");
        environ.AddHeader("X_Spoofed", "no");
    }

    public void Start(int statusCode, string reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        StartCount++;
        Status = statusCode;
        Reason = reasonPhrase;
        foreach (var (name, value) in headers)
        {
            Headers[name] = value;
        }
    }

    /// <summary>Called on the worker's thread, holding the GIL, before each block of the body is recorded.</summary>
    public Action? BeforeWrite { get; init; }

    public void Write(ReadOnlySpan<byte> data)
    {
        BeforeWrite?.Invoke();
        written.Write(data);
    }

    public ValueTask<bool> FlushAsync()
    {
        Flushes++;
        HasStarted |= Status is not null;
        return new(!IsClientGone);
    }

    public ValueTask<bool> SendFileAsync(SafeFileHandle file, long offset, long? count)
    {
        SentFile = (offset, count);
        HasStarted = true;
        var buffer = new byte[count ?? 1 << 20];
        var read = RandomAccess.Read(file, buffer, offset);
        written.Write(buffer, 0, read);
        return new(true);
    }

    /// <summary>Whether files handed over with TrySendFileLater are taken (as the connection side does) or refused.</summary>
    public bool TakesFilesLater { get; init; }

    /// <summary>The file the worker handed over, with what to send of it, until <see cref="SendFileHandedOver"/>.</summary>
    public (SafeFileHandle File, long Offset, long Count)? FileHandedOver { get; private set; }

    public bool TrySendFileLater(SafeFileHandle file, long offset, long count)
    {
        if (!TakesFilesLater)
        {
            return false;
        }

        FileHandedOver = (file, offset, count);
        return true;
    }

    /// <summary>What the connection side does once the worker is done: sends the file handed over and closes it.</summary>
    public void SendFileHandedOver()
    {
        var (file, offset, count) = FileHandedOver ?? throw new InvalidOperationException("no file was handed over");
        using (file)
        {
            var buffer = new byte[count];
            var read = RandomAccess.Read(file, buffer, offset);
            written.Write(buffer, 0, read);
        }
    }

    public void Abort() => Aborted = true;
}
