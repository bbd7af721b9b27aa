namespace AkkaWsgi.Python.Wsgi;

/// <summary>A request body, read completely before the application runs; it becomes <c>wsgi.input</c>.</summary>
public abstract record RequestBody
{
    private RequestBody()
    {
    }

    public static RequestBody Empty { get; } = new InMemory(ReadOnlyMemory<byte>.Empty);

    /// <summary>A body held in memory.</summary>
    public sealed record InMemory(ReadOnlyMemory<byte> Data) : RequestBody;

    /// <summary>A body spilled to a file, which the server removes when the request ends.</summary>
    public sealed record InFile(string Path, long Length) : RequestBody;
}
