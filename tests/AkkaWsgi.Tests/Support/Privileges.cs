using System.Globalization;

namespace AkkaWsgi.Tests.Support;

/// <summary>Who the test process runs as, for the tests that start a server dropping its privileges.</summary>
public static class Privileges
{
    /// <summary>The effective user id, read from /proc so that no native call is needed.</summary>
    public static uint EffectiveUserId => uint.Parse(File.ReadAllLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);

    /// <summary>The message for a test that needs root and did not get it.</summary>
    public const string RootNeeded = "the privilege-drop test needs root (the test script runs as root)";
}
