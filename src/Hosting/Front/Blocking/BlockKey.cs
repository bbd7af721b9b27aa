using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AkkaWsgi.Actors.Dispatch.Priority;

namespace AkkaWsgi.Hosting.Front.Blocking;

/// <summary>One client as the block list knows it: an IPv4 address, a public IPv6 /64, or a private IPv6 address.</summary>
/// <remarks>
/// Public clients are grouped as the scheduler's <see cref="ClientKey"/> groups them (one host commonly holds a whole
/// IPv6 /64, so blocking a single address would be dodged by the next privacy address). <see cref="ClientKey"/> itself
/// does not fit: it has no key for loopback and private addresses, which it exempts from scheduling penalties, while a
/// block asked for by the application applies to every address. Those are keyed by their own address, since hosts in
/// one private /64 are usually distinct machines.
/// </remarks>
internal readonly record struct BlockKey
{
    private readonly UInt128 bits;
    private readonly byte prefixLength;

    private BlockKey(UInt128 bits, byte prefixLength)
    {
        this.bits = bits;
        this.prefixLength = prefixLength;
    }

    /// <summary>The key of <paramref name="address"/>, or null when there is none (a Unix socket peer).</summary>
    public static BlockKey? For(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork when address.TryWriteBytes(bytes, out _):
                return new BlockKey(BinaryPrimitives.ReadUInt32BigEndian(bytes), 32);
            case AddressFamily.InterNetworkV6 when address.TryWriteBytes(bytes, out _):
                var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
                return ClientKey.IsExempt(address)
                    ? new BlockKey(value, 128)
                    : new BlockKey(value & ~(UInt128)ulong.MaxValue, 64);
            default:
                return null;
        }
    }

    /// <summary>
    /// Reads back what <see cref="ToString"/> wrote (as another node sends it): an IPv4 address, an IPv6 /64 in CIDR
    /// form, or a single IPv6 address.
    /// </summary>
    public static bool TryParse(string text, out BlockKey key)
    {
        key = default;
        var prefix = 128;
        if (text.EndsWith("/64", StringComparison.Ordinal))
        {
            prefix = 64;
            text = text[..^3];
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork when prefix == 128 && address.TryWriteBytes(bytes, out _):
                key = new BlockKey(BinaryPrimitives.ReadUInt32BigEndian(bytes), 32);
                return true;
            case AddressFamily.InterNetworkV6 when address.TryWriteBytes(bytes, out _):
                var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
                key = prefix == 64 ? new BlockKey(value & ~(UInt128)ulong.MaxValue, 64) : new BlockKey(value, 128);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The address, or the /64 in CIDR form, for the log.</summary>
    public override string ToString()
    {
        if (prefixLength == 32)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)bits);
            return new IPAddress(v4).ToString();
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, bits);
        var address = new IPAddress(v6).ToString();
        return prefixLength == 128 ? address : string.Create(CultureInfo.InvariantCulture, $"{address}/64");
    }
}
