namespace AkkaWsgi.Tests.Actors.Kernel;

/// <summary>The real-time bound on every wait in these tests, so a broken kernel fails instead of hanging.</summary>
internal static class TestLimits
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
}
