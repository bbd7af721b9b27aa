namespace AkkaWsgi.Python.Wsgi;

/// <summary>Small pieces of English for messages that name a Python type ("an int", "a str").</summary>
internal static class Words
{
    /// <summary>"an" before a vowel, else "a": by spelling, which is right for the names of Python's types.</summary>
    public static string Article(string? noun) => noun is { Length: > 0 } && "aeiouAEIOU".Contains(noun[0], StringComparison.Ordinal) ? "an" : "a";
}
