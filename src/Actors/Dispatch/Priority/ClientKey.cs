using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AkkaWsgi.Actors.Dispatch.Priority;

/// <summary>One client as the scheduler counts them: an IPv4 address, or an IPv6 /64.</summary>
/// <remarks>
/// An IPv6 /64 rather than the address, because one host commonly holds a whole /64 (SLAAC and privacy addresses
/// rotate inside it), so counting single IPv6 addresses would let one machine pose as millions of clients.
/// </remarks>
public readonly record struct ClientKey
{
    private readonly ulong bits;

    private ClientKey(bool isIPv6, ulong bits)
    {
        IsIPv6 = isIPv6;
        this.bits = bits;
    }

    /// <summary>True for an IPv6 /64, false for an IPv4 address.</summary>
    public bool IsIPv6 { get; }

    /// <summary>
    /// The client <paramref name="address"/> belongs to, or null when it is exempt from per-client accounting
    /// (see <see cref="IsExempt"/>). An IPv4-mapped IPv6 address is the IPv4 client, as dual-stack sockets report
    /// IPv4 peers that way.
    /// </summary>
    public static ClientKey? For(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return Read(address, bytes) switch
        {
            Kind.IPv4 when !IsExemptIPv4(bytes) => new ClientKey(false, BinaryPrimitives.ReadUInt32BigEndian(bytes)),
            Kind.IPv6 when !IsExemptIPv6(bytes) => new ClientKey(true, BinaryPrimitives.ReadUInt64BigEndian(bytes)),
            _ => null,
        };
    }

    /// <summary>
    /// True for addresses that are never demoted as a client or as a bot: loopback, private (RFC 1918, RFC 4193),
    /// link-local, and an unknown address (a Unix socket). Those are the server's own infrastructure — health checks,
    /// internal services, a proxy that did not pass the client on — and starving them would hurt every user at once.
    /// </summary>
    public static bool IsExempt(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        return Read(address, bytes) switch
        {
            Kind.IPv4 => IsExemptIPv4(bytes),
            Kind.IPv6 => IsExemptIPv6(bytes),
            _ => true,
        };
    }

    /// <summary>The address, or the /64 in CIDR form, for diagnostics.</summary>
    public override string ToString()
    {
        if (!IsIPv6)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)bits);
            return new IPAddress(v4).ToString();
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(v6, bits);
        return string.Create(CultureInfo.InvariantCulture, $"{new IPAddress(v6)}/64");
    }

    /// <summary>Writes the address into <paramref name="bytes"/>: an IPv4 one (mapped or not) into its first four.</summary>
    private static Kind Read(IPAddress? address, Span<byte> bytes)
    {
        switch (address?.AddressFamily)
        {
            case AddressFamily.InterNetwork when address.TryWriteBytes(bytes, out _):
                return Kind.IPv4;
            case AddressFamily.InterNetworkV6 when address.TryWriteBytes(bytes, out _):
                if (address.IsIPv4MappedToIPv6)
                {
                    bytes[12..16].CopyTo(bytes);
                    return Kind.IPv4;
                }

                return Kind.IPv6;
            default:
                return Kind.Unknown;
        }
    }

    private static bool IsExemptIPv4(ReadOnlySpan<byte> a) =>
        a[0] == 127 // loopback, 127.0.0.0/8
        || a[0] == 10 // private, 10.0.0.0/8
        || (a[0] == 172 && (a[1] & 0xF0) == 16) // private, 172.16.0.0/12
        || (a[0] == 192 && a[1] == 168) // private, 192.168.0.0/16
        || (a[0] == 169 && a[1] == 254); // link-local, 169.254.0.0/16

    private static bool IsExemptIPv6(ReadOnlySpan<byte> a) =>
        (a[..15].IndexOfAnyExcept((byte)0) < 0 && a[15] == 1) // loopback, ::1
        || (a[0] & 0xFE) == 0xFC // unique local, fc00::/7
        || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80); // link-local, fe80::/10

    private enum Kind
    {
        Unknown,
        IPv4,
        IPv6,
    }
}
