using AkkaWsgi.Python.Native;

namespace AkkaWsgi.Python.Wsgi;

/// <summary>A function the application registered with @akkawsgi.cron(...) or @akkawsgi.timer(...).</summary>
/// <param name="Name">module.qualname, for log lines.</param>
/// <param name="CronFields">minute, hour, day, month, weekday (-1: any), or null for a timer.</param>
/// <param name="Interval">The timer's period, or null for a cron job.</param>
/// <param name="Function">The function to call, owned for the life of the application.</param>
public sealed record BackgroundJob(string Name, IReadOnlyList<int>? CronFields, TimeSpan? Interval, PyObject Function);
