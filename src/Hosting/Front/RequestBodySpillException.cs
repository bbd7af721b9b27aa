namespace AkkaWsgi.Hosting.Front;

/// <summary>
/// A request body larger than the memory buffer could not be kept in a temporary file: the server's fault (a
/// directory that is missing, read-only or full), not the client's.
/// </summary>
public sealed class RequestBodySpillException : Exception
{
    public RequestBodySpillException(string directory, Exception innerException)
        : base($"the request body could not be kept in a temporary file in {directory}: {innerException.Message}", innerException)
    {
    }

    public RequestBodySpillException()
        : this("the temporary directory", new IOException("unknown"))
    {
    }

    public RequestBodySpillException(string message)
        : base(message)
    {
    }
}
