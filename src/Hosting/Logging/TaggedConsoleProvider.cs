using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// The console provider with the process's <see cref="LogTag"/> as the outermost scope of every record, so the JSON
/// formatter (which writes scopes when asked to) names the worker process on every line.
/// </summary>
internal sealed class TaggedConsoleProvider(ConsoleLoggerProvider console, LogTag tag) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => console.CreateLogger(categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => console.SetScopeProvider(new Scopes(scopeProvider, tag));

    public void Dispose() => console.Dispose();

    private sealed class Scopes(IExternalScopeProvider inner, LogTag tag) : IExternalScopeProvider
    {
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
        {
            callback(tag, state);
            inner.ForEachScope(callback, state);
        }

        public IDisposable Push(object? state) => inner.Push(state);
    }
}
