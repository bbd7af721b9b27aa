using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>
/// Picks between a file and the copies compressed ahead of time beside it (<c>app.js.br</c>, <c>app.js.gz</c>), as
/// nginx's gzip_static and brotli_static do: the sibling whose coding the client accepts with the highest quality,
/// brotli on a tie (it is the smaller of the two), the file itself when neither is accepted.
/// </summary>
internal static class PrecompressedSiblings
{
    private static readonly (string Coding, string Suffix)[] Codings = [("br", ".br"), ("gzip", ".gz")];

    public static PrecompressedChoice Choose(IFileProvider files, string subpath, IList<StringWithQualityHeaderValue> accepted)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(subpath);
        ArgumentNullException.ThrowIfNull(accepted);

        var choice = PrecompressedChoice.None;
        var best = 0.0;
        foreach (var (coding, suffix) in Codings)
        {
            if (!files.GetFileInfo(subpath + suffix).Exists)
            {
                continue;
            }

            choice = choice with { HasSiblings = true };
            var quality = AcceptEncoding.Quality(accepted, coding);
            if (quality > best)
            {
                best = quality;
                choice = choice with { Coding = coding, Suffix = suffix };
            }
        }

        return choice;
    }
}
