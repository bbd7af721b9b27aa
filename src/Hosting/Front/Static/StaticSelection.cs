using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>
/// What the static map decided for one request, kept among the request's features while the framework's static
/// file middleware runs: the headers it adds come from here, and a request that falls through gets its path back.
/// </summary>
/// <param name="OriginalPath">The request path before it was pointed at the file (or its sibling).</param>
/// <param name="Choice">The precompressed sibling chosen, if any.</param>
/// <param name="ContentType">The content type of the file itself, sent with a sibling instead of the sibling's own.</param>
internal sealed record StaticSelection(PathString OriginalPath, PrecompressedChoice Choice, string? ContentType);
