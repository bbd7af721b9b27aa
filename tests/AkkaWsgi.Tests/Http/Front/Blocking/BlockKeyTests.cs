using System.Net;
using AkkaWsgi.Hosting.Front.Blocking;

namespace AkkaWsgi.Tests.Http.Front.Blocking;

public sealed class BlockKeyTests
{
    [Fact]
    public void For_PublicIPv6_GroupsTheWhole64()
    {
        var a = BlockKey.For(IPAddress.Parse("2001:db8:1:2:aaaa::1"));
        var b = BlockKey.For(IPAddress.Parse("2001:db8:1:2:ffff:1:2:3"));
        var other = BlockKey.For(IPAddress.Parse("2001:db8:1:3::1"));

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        Assert.Equal("2001:db8:1:2::/64", a.ToString());
    }

    [Fact]
    public void For_IPv4_IsTheAddress_AndAMappedIPv4IsTheSameClient()
    {
        var plain = BlockKey.For(IPAddress.Parse("203.0.113.9"));
        var mapped = BlockKey.For(IPAddress.Parse("::ffff:203.0.113.9"));

        Assert.Equal(plain, mapped);
        Assert.NotEqual(plain, BlockKey.For(IPAddress.Parse("203.0.113.10")));
        Assert.Equal("203.0.113.9", plain.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.2")]
    [InlineData("10.1.2.3", "10.1.2.4")]
    [InlineData("::1", "::2")]
    [InlineData("fd00::1", "fd00::2")]
    [InlineData("fe80::1", "fe80::2")]
    public void For_LoopbackAndPrivateAddresses_AreKeyedByTheirOwnAddress(string address, string neighbour)
    {
        var key = BlockKey.For(IPAddress.Parse(address));

        Assert.NotNull(key);
        Assert.NotEqual(key, BlockKey.For(IPAddress.Parse(neighbour)));
        Assert.Equal(address, key.ToString());
    }

    [Fact]
    public void For_NoAddress_IsNull() => Assert.Null(BlockKey.For(null));

    [Fact]
    public void For_IPv4AndIPv6WithTheSameBits_AreDifferentClients()
    {
        Assert.NotEqual(BlockKey.For(IPAddress.Parse("0.0.0.1")), BlockKey.For(IPAddress.Parse("::1")));
    }

    [Theory]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db8:1:2:aaaa::1")]
    [InlineData("::1")]
    [InlineData("fd00::5")]
    public void TryParse_ReadsBackWhatToStringWrote(string address)
    {
        var key = BlockKey.For(IPAddress.Parse(address))!.Value;

        Assert.True(BlockKey.TryParse(key.ToString(), out var back));
        Assert.Equal(key, back);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nonsense")]
    [InlineData("203.0.113.9/64")]
    public void TryParse_RefusesWhatIsNotAKey(string text) => Assert.False(BlockKey.TryParse(text, out _));
}
