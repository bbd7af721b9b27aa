using System.Net;
using AkkaWsgi.Http.Hosting;
using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Http.Hosting;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData(":8000", "0.0.0.0", 8000)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("[::]:8080", "::", 8080)]
    [InlineData("[::1]:9", "::1", 9)]
    public void Parse_IpEndpoints(string text, string address, int port)
    {
        var parsed = ListenAddress.Parse(text);

        Assert.Equal(IPAddress.Parse(address), parsed.Address);
        Assert.Equal(port, parsed.Port);
    }

    [Fact]
    public void Parse_Localhost_ListensOnBothLoopbacks()
    {
        var parsed = ListenAddress.Parse("localhost:8000");

        Assert.True(parsed.IsLocalhost);
        Assert.Null(parsed.Address);
        Assert.Equal(8000, parsed.Port);
    }

    [Fact]
    public void Parse_UnixSocket()
    {
        Assert.Equal("/run/app.sock", ListenAddress.Parse("unix:/run/app.sock").UnixPath);
    }

    [Theory]
    [InlineData("8000")]
    [InlineData("host:")]
    [InlineData(":99999")]
    [InlineData(":-1")]
    [InlineData("example.com:80")]
    [InlineData("unix:")]
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        Assert.Throws<FormatException>(() => ListenAddress.Parse(text));
    }

    [Theory]
    [InlineData("127.0.0.1:9100", true)]
    [InlineData("localhost:9100", true)]
    [InlineData("[::1]:9100", true)]
    [InlineData("unix:/run/status.sock", true)]
    [InlineData("10.1.2.3:9100", true)]
    [InlineData("192.168.0.5:9100", true)]
    [InlineData("[fd00::5]:9100", true)]
    [InlineData(":9100", false)]
    [InlineData("0.0.0.0:9100", false)]
    [InlineData("[::]:9100", false)]
    [InlineData("203.0.113.7:9100", false)]
    [InlineData("[2001:db8::1]:9100", false)]
    public void IsPrivate_OnlyForThisMachineOrItsPrivateNetwork(string text, bool expected)
    {
        Assert.Equal(expected, ListenAddress.Parse(text).IsPrivate);
    }

    [Theory]
    [InlineData("0.0.0.0:9100", 1)]
    [InlineData("127.0.0.1:9100", 0)]
    [InlineData(null, 0)]
    public void StatusSocket_ReachableFromOtherMachines_IsWarnedAboutOnce(string? statusSocket, int warnings)
    {
        using var logs = new RecordingLoggerFactory();

        StatusListener.WarnIfPublic(statusSocket, logs.CreateLogger("test"));

        Assert.Equal(warnings, logs.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning &&
                                                      e.Message.Contains("can be reached from other machines", StringComparison.Ordinal)));
    }
}
