namespace AkkaWsgi.Actors.Interpreter;

/// <summary>
/// A thread's time on a CPU and its time ready to run while every core was busy with other threads, since it started.
/// </summary>
public readonly record struct CpuTimes(TimeSpan Running, TimeSpan WaitingForCore)
{
    public static CpuTimes operator +(CpuTimes left, CpuTimes right) =>
        new(left.Running + right.Running, left.WaitingForCore + right.WaitingForCore);

    public static CpuTimes operator -(CpuTimes left, CpuTimes right) =>
        new(left.Running - right.Running, left.WaitingForCore - right.WaitingForCore);
}
