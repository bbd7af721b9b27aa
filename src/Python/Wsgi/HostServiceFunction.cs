using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>
/// The .NET end of <c>akkawsgi.host_service(name)</c>: the host's service exposed under that name, as a .NET object
/// Python can call (None when the host exposes nothing by that name).
/// </summary>
internal sealed class HostServiceFunction(WsgiApplication application) : ManagedFunction("host_service")
{
    public override PyObject? Invoke(long token, PyArgs args)
    {
        if (args.Count != 1 || !args[0].TryGetString(out var name))
        {
            throw new PyRaiseException(PyErrorKind.TypeError, "host_service() takes the service's name as a str");
        }

        if (application.HostServices?.GetValueOrDefault(name)?.Invoke() is not { } service)
        {
            return null;
        }

        using var wrapped = global::Python.Runtime.PyObject.FromManagedObject(service);
        return Py.Adopt(wrapped);
    }
}
