using System.Collections;
using System.Globalization;

namespace AkkaWsgi.Hosting.Logging;

/// <summary>
/// Names the worker process on every log line (<c>[worker 1 pid 4242]</c> in text, a scope with WorkerProcess and Pid
/// in JSON): the worker processes of one supervisor share its standard error, and a line must say which wrote it.
/// </summary>
internal sealed record LogTag(int Slot, int ProcessId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Text => string.Create(CultureInfo.InvariantCulture, $"[worker {Slot} pid {ProcessId}]");

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("WorkerProcess", Slot),
        1 => new("Pid", ProcessId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The JSON formatter writes a scope's text as its "Message".
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"worker {Slot} pid {ProcessId}");
}
