namespace AspNetHost;

/// <summary>A service of the host's that the Flask application calls through <c>akkawsgi.host_service("greeter")</c>.</summary>
public sealed class Greeter
{
    public string Greet(string name) => $"Hello {name}, from .NET";
}
