using System.Net;
using AkkaWsgi.Actors.Dispatch.Priority;

namespace AkkaWsgi.Tests.Actors.Dispatch.Priority;

public sealed class ClientKeyTests
{
    [Fact]
    public void For_SameIPv4Address_GivesEqualKeys()
    {
        Assert.Equal(Key("203.0.113.5"), Key("203.0.113.5"));
    }

    [Fact]
    public void For_DifferentIPv4Addresses_GivesDifferentKeys()
    {
        Assert.NotEqual(Key("203.0.113.5"), Key("203.0.113.6"));
    }

    [Fact]
    public void For_IPv6AddressesInTheSameSlash64_GivesEqualKeys()
    {
        Assert.Equal(Key("2001:db8:aa:bb::1"), Key("2001:db8:aa:bb:1234:5678:9abc:def0"));
    }

    [Fact]
    public void For_IPv6AddressesInDifferentSlash64s_GivesDifferentKeys()
    {
        Assert.NotEqual(Key("2001:db8:aa:bb::1"), Key("2001:db8:aa:bc::1"));
    }

    [Fact]
    public void For_IPv4MappedIPv6Address_GivesTheIPv4Key()
    {
        Assert.Equal(Key("198.51.100.20"), Key("::ffff:198.51.100.20"));
        Assert.False(Key("::ffff:198.51.100.20")!.Value.IsIPv6);
    }

    [Fact]
    public void For_IPv4AddressAndIPv6PrefixWithTheSameBits_GivesDifferentKeys()
    {
        // 203.0.113.5 is 0xCB007105; the /64 below holds those bits in the same place of the key.
        Assert.NotEqual(Key("203.0.113.5"), Key("::cb00:7105:0:0"));
    }

    [Theory]
    [InlineData("203.0.113.5", "203.0.113.5")]
    [InlineData("::ffff:203.0.113.5", "203.0.113.5")]
    [InlineData("2001:db8:aa:bb:1234::1", "2001:db8:aa:bb::/64")]
    public void ToString_ShowsTheAddressOrTheSlash64(string address, string expected)
    {
        Assert.Equal(expected, Key(address)!.Value.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.0.0.0")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.0")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.0")]
    [InlineData("192.168.255.255")]
    [InlineData("169.254.0.1")]
    [InlineData("::1")]
    [InlineData("fc00::")]
    [InlineData("fdff:ffff::1")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.1.1")]
    public void For_ExemptAddress_ReturnsNull(string address)
    {
        Assert.True(ClientKey.IsExempt(IPAddress.Parse(address)));
        Assert.Null(Key(address));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("11.0.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("::2")]
    [InlineData("fbff::1")]
    [InlineData("fe00::1")]
    [InlineData("fec0::1")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:8.8.8.8")]
    public void For_PublicAddress_ReturnsAKey(string address)
    {
        Assert.False(ClientKey.IsExempt(IPAddress.Parse(address)));
        Assert.NotNull(Key(address));
    }

    [Fact]
    public void For_NullAddress_IsExempt()
    {
        Assert.True(ClientKey.IsExempt(null));
        Assert.Null(ClientKey.For(null));
    }

    private static ClientKey? Key(string address) => ClientKey.For(IPAddress.Parse(address));
}
