using Microsoft.Win32.SafeHandles;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>The response side of one request, as the WSGI bridge drives it from an interpreter thread.</summary>
/// <remarks>
/// The bridge calls <see cref="Start"/> and <see cref="Write"/> while holding the GIL, so they must only copy into
/// the transport's buffers and never wait for the network; waiting happens in <see cref="FlushAsync"/> and
/// <see cref="SendFileAsync"/>, which the bridge awaits after releasing the GIL.
/// </remarks>
public interface IWsgiResponse
{
    /// <summary>True once the client has gone away; the bridge then stops producing the body.</summary>
    bool IsClientGone { get; }

    /// <summary>
    /// True when body bytes are not sent whatever the status: the request is HEAD, or the server holds the response
    /// back (a parked request).
    /// </summary>
    bool DiscardsBody { get; }

    /// <summary>True once the status line has gone to the client; until then a failure can still be answered on its own.</summary>
    bool HasStarted { get; }

    /// <summary>
    /// Forgets the status and headers of a response that has not gone out and holds no body bytes, so that another can
    /// start; false when it cannot.
    /// </summary>
    bool TryDiscard();

    /// <summary>Commits status and headers; called once, before the first body byte (or at the end).</summary>
    /// <remarks>The bridge reuses <paramref name="headers"/> for the next request: copy what is kept.</remarks>
    void Start(int statusCode, string reasonPhrase, IReadOnlyList<KeyValuePair<string, string>> headers);

    /// <summary>Copies body bytes into the transport's buffer without waiting.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Sends what was written; completes when the transport can take more (false: client gone).</summary>
    ValueTask<bool> FlushAsync();

    /// <summary>Sends <paramref name="count"/> bytes (null: to the end) of an open file from an offset.</summary>
    ValueTask<bool> SendFileAsync(SafeFileHandle file, long offset, long? count);

    /// <summary>
    /// Takes over sending <paramref name="count"/> bytes of <paramref name="file"/>, which it then owns, from an offset,
    /// after everything written before: they go out once the application's part of the request is over, so a slow
    /// client does not hold a worker for the length of a download. False when it cannot; the caller keeps the file.
    /// </summary>
    bool TrySendFileLater(SafeFileHandle file, long offset, long count);

    /// <summary>
    /// Ends a response that failed after it started: what was sent stays sent, but the response is not completed,
    /// so the client sees it cut short (PEP 3333: the server must not pretend an interrupted response is whole).
    /// </summary>
    void Abort();
}
