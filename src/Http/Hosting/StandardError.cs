using System.Text;

namespace AkkaWsgi.Http.Hosting;

/// <summary>Standard error, written one whole log record at a time.</summary>
/// <remarks>
/// The runtime's own <see cref="Console.Error"/> writes through a 256-byte buffer, so a longer record reaches the
/// descriptor in several writes; worker processes share the supervisor's standard error, and two of them logging at
/// once (both stopping, say) then cut into each other's lines, which breaks a JSON line apart. With a buffer larger
/// than any record, each record is one write, which a pipe keeps whole up to 4 KiB and a file opened for appending
/// keeps whole at any size.
/// </remarks>
internal static class StandardError
{
    internal const int BufferSize = 64 * 1024;

    /// <summary>Replaces <see cref="Console.Error"/>; before any logger is made, since loggers keep the writer they find.</summary>
    public static void WriteWholeRecords() => Console.SetError(Create(Console.OpenStandardError()));

    internal static TextWriter Create(Stream stream) =>
        new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferSize, leaveOpen: true) { AutoFlush = true };
}
