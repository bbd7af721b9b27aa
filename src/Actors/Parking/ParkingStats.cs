namespace AkkaWsgi.Actors.Parking;

/// <summary>
/// Counters of request parking, shared between the connections (which reserve a place when they see the park
/// headers, so the bound holds before any message reaches the actor) and the <see cref="ParkingLot"/>.
/// </summary>
public sealed class ParkingStats(int capacity)
{
    private int parked;
    private long woken;
    private long timedOut;

    /// <summary>Requests parked now, or about to be (a place is reserved when the application's headers are seen).</summary>
    public int Parked => Volatile.Read(ref parked);

    public long Woken => Interlocked.Read(ref woken);

    public long TimedOut => Interlocked.Read(ref timedOut);

    public int Capacity => capacity;

    /// <summary>Takes a place, or returns false when <see cref="Capacity"/> requests hold one already.</summary>
    public bool TryReserve()
    {
        while (true)
        {
            var now = Volatile.Read(ref parked);
            if (now >= capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref parked, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    /// <summary>Gives a place back; call once per successful <see cref="TryReserve"/>, when the request is answered.</summary>
    public void Release() => Interlocked.Decrement(ref parked);

    internal void CountWoken() => Interlocked.Increment(ref woken);

    internal void CountTimedOut() => Interlocked.Increment(ref timedOut);
}
