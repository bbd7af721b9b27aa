using System.Text;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>
/// The last text a worker read from Python at each place (the status line, the n-th header's name and value), kept
/// with its UTF-8 bytes: an application answers with the same status and mostly the same headers every time, so
/// these are compared instead of decoded into new strings for every response.
/// </summary>
/// <remarks>One per worker, used on its thread only. Text longer than <see cref="MaxKept"/> bytes is never kept.</remarks>
internal sealed class RecentText(int places)
{
    private const int MaxKept = 256;

    private readonly byte[]?[] bytes = new byte[]?[places];
    private readonly int[] lengths = new int[places];
    private readonly string?[] texts = new string?[places];

    public string Get(int place, ReadOnlySpan<byte> utf8)
    {
        if (place >= texts.Length)
        {
            return Decode(utf8);
        }

        var kept = bytes[place];
        if (kept is not null && texts[place] is { } text && utf8.SequenceEqual(kept.AsSpan(0, lengths[place])))
        {
            return text;
        }

        var decoded = Decode(utf8);
        if (utf8.Length <= MaxKept)
        {
            // The buffer is reused while the text fits, so a place whose text changes every time (a length, a
            // cookie) costs no more than decoding it would.
            if (kept is null || kept.Length < utf8.Length)
            {
                kept = bytes[place] = new byte[Math.Max(utf8.Length, 32)];
            }

            utf8.CopyTo(kept);
            lengths[place] = utf8.Length;
            texts[place] = decoded;
        }

        return decoded;
    }

    private static string Decode(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? "" : Encoding.UTF8.GetString(utf8);
}
