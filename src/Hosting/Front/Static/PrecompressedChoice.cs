namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>Which precompressed sibling of a file to send, if any.</summary>
/// <param name="HasSiblings">The file has a <c>.br</c> or <c>.gz</c> sibling, so its response depends on Accept-Encoding.</param>
/// <param name="Coding">The Content-Encoding to send (<c>br</c> or <c>gzip</c>), or null for the file itself.</param>
/// <param name="Suffix">What to append to the file's path to reach the sibling (<c>.br</c> or <c>.gz</c>), or null.</param>
internal sealed record PrecompressedChoice(bool HasSiblings, string? Coding, string? Suffix)
{
    /// <summary>A file without siblings: sent as it is, whatever the client accepts.</summary>
    public static PrecompressedChoice None { get; } = new(false, null, null);
}
