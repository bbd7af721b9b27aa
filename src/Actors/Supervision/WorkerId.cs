namespace AkkaWsgi.Actors.Supervision;

/// <summary>
/// One worker process: its slot (0 to processes - 1, stable across replacements), the generation it belongs to
/// (each SIGHUP reload starts a new one) and a serial number no other worker of this supervisor shares.
/// </summary>
public readonly record struct WorkerId(int Slot, int Generation, int Serial)
{
    public override string ToString() => $"worker {Slot} (generation {Generation}, #{Serial})";
}
