namespace AkkaWsgi.Python.Native;

/// <summary>The positional arguments of a call from Python (METH_FASTCALL), borrowed for the call's duration.</summary>
public readonly unsafe ref struct PyArgs
{
    private readonly nint* args;

    internal PyArgs(nint* args, int count)
    {
        this.args = args;
        Count = count;
    }

    public int Count { get; }

    public PyBorrowed this[int index] =>
        (uint)index < (uint)Count ? new PyBorrowed(args[index]) : throw new ArgumentOutOfRangeException(nameof(index));
}
