namespace AkkaWsgi.Python;

/// <summary>A CPython found on this machine: its interpreter, shared library and where its standard library lives.</summary>
/// <param name="Executable">The interpreter, when one was found (null when given only a library).</param>
/// <param name="Library">The libpython shared library to load.</param>
/// <param name="Version">major.minor.micro.</param>
/// <param name="Home">PYTHONHOME for the embedded interpreter ("prefix:exec_prefix"), or null to let it search.</param>
/// <param name="VirtualEnv">The virtualenv whose site-packages and sys.prefix the app gets, if any.</param>
public sealed record PythonInstallation(string? Executable, string Library, Version Version, string? Home, string? VirtualEnv)
{
    public static readonly Version Oldest = new(3, 9);
    public static readonly Version NewestTested = new(3, 14);

    public string ShortVersion => $"{Version.Major}.{Version.Minor}";
}
