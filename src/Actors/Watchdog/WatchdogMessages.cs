using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Actors.Watchdog;

/// <summary>A request ran past its deadline: interrupt it with akkawsgi.RequestTimeout if it is still running.</summary>
public sealed record Interrupt(WsgiWorker Bridge, IRequestJob Job, TimeSpan RanFor);
