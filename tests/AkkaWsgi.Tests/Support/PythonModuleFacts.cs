namespace AkkaWsgi.Tests.Support;

/// <summary>Whether the system interpreter can import a module; memoised per module name.</summary>
public static class PythonModules
{
    private static readonly Dictionary<string, bool> Known = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static bool Importable(string module)
    {
        lock (Gate)
        {
            if (!Known.TryGetValue(module, out var importable))
            {
                try
                {
                    importable = File.Exists(PythonInstalls.SystemPython) && ProcessRunner.Run(
                        PythonInstalls.SystemPython, ["-c", $"import {module}"], TimeSpan.FromSeconds(30)).ExitCode == 0;
                }
                catch (TimeoutException)
                {
                    importable = false;
                }

                Known[module] = importable;
            }

            return importable;
        }
    }
}

/// <summary>A fact that is skipped, with the reason, when /usr/bin/python3 cannot import a module.</summary>
public sealed class RequiresPythonModuleFactAttribute : FactAttribute
{
    public RequiresPythonModuleFactAttribute(string module)
    {
        Module = module;
        if (!PythonModules.Importable(module))
        {
            Skip = $"{PythonInstalls.SystemPython} cannot import {module} (install python3-{module})";
        }
    }

    public string Module { get; }
}

/// <summary>A fact that is skipped when no interpreter past its end of life (older than 3.11) with a shared libpython is installed.</summary>
public sealed class RequiresUnsupportedPythonFactAttribute : FactAttribute
{
    public RequiresUnsupportedPythonFactAttribute()
    {
        if (PythonInstalls.Unsupported.Count == 0)
        {
            Skip = "no Python older than 3.11 with a shared libpython is installed under pyenv";
        }
    }
}
