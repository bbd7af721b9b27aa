namespace AkkaWsgi.Python;

/// <summary>A CPython found on this machine: its interpreter, shared library and where its standard library lives.</summary>
/// <param name="Executable">The interpreter, when one was found (null when given only a library).</param>
/// <param name="Library">
/// The libpython shared library to load; null when the interpreter has none and its executable can host the server
/// (<see cref="LibraryMissing"/> then says what to install to load one).
/// </param>
/// <param name="Version">major.minor.micro.</param>
/// <param name="Home">PYTHONHOME for the embedded interpreter ("prefix:exec_prefix"), or null to let it search.</param>
/// <param name="VirtualEnv">The virtualenv whose site-packages and sys.prefix the app gets, if any.</param>
/// <param name="ExecutableCanHost">
/// Whether the executable can run the server in its own process (<see cref="PythonExecutableHost"/>): it has ctypes and
/// exports the C API.
/// </param>
public sealed record PythonInstallation(string? Executable, string? Library, Version Version, string? Home, string? VirtualEnv,
    bool ExecutableCanHost = false)
{
    /// <summary>Why there is no <see cref="Library"/>, and what to install for one; null when there is.</summary>
    public string? LibraryMissing { get; init; }

    /// <summary>The oldest CPython not past its end of life, and the oldest the embedding supports.</summary>
    public static readonly Version Oldest = new(3, 11);

    /// <summary>The newest CPython the embedding knows the object layout of (3.15, with its free-threaded build).</summary>
    public static readonly Version Newest = new(3, 15);

    public string ShortVersion => $"{Version.Major}.{Version.Minor}";

    /// <summary>The supported range, as messages say it.</summary>
    public static string SupportedRange => $"CPython {Oldest.Major}.{Oldest.Minor} to {Newest.Major}.{Newest.Minor}";

    /// <summary>
    /// Refuses a version outside the supported range, with a message that says why: past its end of life (with the
    /// date, from the CPython release schedule), or newer than this build knows.
    /// </summary>
    /// <param name="what">What was found, for the message: an interpreter's or a library's path.</param>
    public static void CheckSupported(Version version, string what)
    {
        if (version.Major == Oldest.Major && version.Minor < Oldest.Minor || version.Major < Oldest.Major)
        {
            var ended = (version.Major, version.Minor) switch
            {
                (3, 10) => " (October 2026)",
                (3, 9) => " (October 2025)",
                (3, 8) => " (October 2024)",
                (3, 7) => " (June 2023)",
                (3, 6) => " (December 2021)",
                (2, 7) => " (January 2020)",
                _ => "",
            };
            throw new PythonNotFoundException(
                $"{what} is Python {version}, which is past its end of life{ended}; akkawsgi supports {SupportedRange} (pass --python)");
        }

        if (version.Major > Newest.Major || version.Major == Newest.Major && version.Minor > Newest.Minor)
        {
            throw new PythonNotFoundException(
                $"{what} is Python {version}, newer than this akkawsgi supports ({SupportedRange}); pass --python to choose another");
        }
    }
}
