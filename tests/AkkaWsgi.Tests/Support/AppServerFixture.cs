namespace AkkaWsgi.Tests.Support;

/// <summary>
/// A class fixture that serves one tests/apps module with /usr/bin/python3 (or the default
/// interpreter), started on first use so that a class whose tests are all skipped starts nothing.
/// </summary>
public abstract class AppServerFixture : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerProcess? _server;

    protected abstract string AppModule { get; }

    protected virtual int Workers => 4;

    /// <summary>Flask and Django come from Debian packages, so those apps need the system interpreter.</summary>
    protected virtual string Python => PythonInstalls.Default;

    public async Task<ServerProcess> GetAsync()
    {
        if (!await _gate.WaitAsync(TimeSpan.FromSeconds(90)))
        {
            throw new TimeoutException("another test held the server start-up lock for 90 s");
        }

        try
        {
            if (_server is { HasExited: false })
            {
                return _server;
            }

            _server?.Dispose();
            _server = await ServerProcess.StartAsync(ServerProcess.AppArguments(AppModule, Python, Workers));
            return _server;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class FlaskAppFixture : AppServerFixture
{
    protected override string AppModule => "flask_app";

    protected override string Python => PythonInstalls.SystemPython;
}

public sealed class DjangoAppFixture : AppServerFixture
{
    protected override string AppModule => "django_app";

    protected override string Python => PythonInstalls.SystemPython;
}

public sealed class ValidatedAppFixture : AppServerFixture
{
    protected override string AppModule => "validated";
}
