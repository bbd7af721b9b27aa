using AkkaWsgi.Python.Native;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>start_response: routed to the worker whose request the token names.</summary>
internal sealed class StartResponseFunction(WsgiApplication application) : ManagedFunction("start_response")
{
    public override PyObject? Invoke(long token, PyArgs args) =>
        application.WorkerFor(token).StartResponse(token, args);
}

/// <summary>The write() callable start_response returns (PEP 3333 "The write() Callable").</summary>
internal sealed class WriteFunction(WsgiApplication application) : ManagedFunction("write")
{
    public override PyObject? Invoke(long token, PyArgs args) => application.WorkerFor(token).Write(token, args);
}

/// <summary>Receives the lines written to a worker's wsgi.errors stream.</summary>
internal sealed class ErrorLogFunction(WsgiApplication application) : ManagedFunction("log")
{
    public override PyObject? Invoke(long token, PyArgs args)
    {
        if (args.Count == 1 && args[0].TryGetString(out var line))
        {
            application.LogErrorLine(line);
        }

        return null;
    }
}

/// <summary>Receives the lines the application prints to sys.stdout or sys.stderr when they are captured.</summary>
internal sealed class StandardStreamFunction(ILogger logger, string stream) : ManagedFunction("log")
{
    public override PyObject? Invoke(long token, PyArgs args)
    {
        if (args.Count == 1 && args[0].TryGetString(out var line))
        {
            WsgiLog.ApplicationOutput(logger, stream, line);
        }

        return null;
    }
}
