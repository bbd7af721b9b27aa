namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>One blocked client: since and until when (TimeProvider timestamps), and how many requests were refused.</summary>
/// <remarks>
/// <see cref="Until"/> changes only under the block list's lock, and only while the entry is out of its expiry order;
/// requests read it without the lock, which at worst refuses or serves one request around the moment it changes.
/// </remarks>
internal sealed class BlockEntry(BlockKey key, long since, long until, long sequence)
{
    private long until = until;
    private long refused;

    public BlockKey Key => key;

    public long Since => since;

    /// <summary>Ties in the expiry order are broken by this, so that no two entries compare equal.</summary>
    public long Sequence => sequence;

    public long Until
    {
        get => Volatile.Read(ref until);
        set => Volatile.Write(ref until, value);
    }

    public long Refused => Interlocked.Read(ref refused);

    public void CountRefused() => Interlocked.Increment(ref refused);
}
