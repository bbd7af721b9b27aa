namespace AkkaWsgi.Hosting.Front;

/// <summary>Tells Kestrel that a response which already started cannot be completed (the failure is logged before).</summary>
public sealed class IncompleteResponseException : Exception
{
    public IncompleteResponseException(string request)
        : base($"{request}: the application failed after the response started; the connection is closed without completing it")
    {
    }

    public IncompleteResponseException()
        : this("a request")
    {
    }

    public IncompleteResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
