namespace AkkaWsgi.Actors.Parking;

/// <summary>
/// One request held by the <see cref="ParkingLot"/>: the channels it listens on, how long, and what to do then. The
/// connection awaits <see cref="Woken"/>, which completes once, with whichever of notify, timeout or disconnect came
/// first.
/// </summary>
public sealed class ParkedRequest(IReadOnlyList<string> channels, TimeSpan timeout, ParkAction timeoutAction, string description)
{
    private readonly TaskCompletionSource<ParkWake> woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Channels => channels;

    public TimeSpan Timeout => timeout;

    public ParkAction TimeoutAction => timeoutAction;

    public string Description => description;

    public Task<ParkWake> Woken => woken.Task;

    internal bool TryWake(ParkWake wake) => woken.TrySetResult(wake);
}
