using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>
/// The .NET end of <c>akkawsgi.notify_parked</c>, whose Python side has already checked and normalised the channels
/// (comma-separated), the action and the argument.
/// </summary>
internal sealed class NotifyParkedFunction(WsgiApplication application) : ManagedFunction("notify_parked")
{
    public override PyObject? Invoke(long token, PyArgs args)
    {
        if (args.Count != 3 || !args[0].TryGetString(out var channels) || !args[1].TryGetString(out var action) ||
            !args[2].TryGetString(out var arg))
        {
            throw new PyRaiseException(PyErrorKind.TypeError, "notify_parked() takes the channels, the action and the argument as str");
        }

        var names = channels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        application.ParkNotifier?.Invoke(names, action, arg);
        return null;
    }
}
