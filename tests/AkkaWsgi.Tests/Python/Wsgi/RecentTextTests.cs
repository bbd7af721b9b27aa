using System.Text;
using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Tests.Python.Wsgi;

public sealed class RecentTextTests
{
    [Fact]
    public void Get_TheSameBytesAtAPlace_GivesTheSameString()
    {
        var recent = new RecentText(2);
        var first = recent.Get(0, "200 OK"u8);

        Assert.Same(first, recent.Get(0, "200 OK"u8));
        Assert.Equal("200 OK", first);
    }

    [Fact]
    public void Get_OtherBytes_GiveTheirOwnText_AndReplaceWhatWasKept()
    {
        var recent = new RecentText(2);
        var ok = recent.Get(0, "200 OK"u8);

        Assert.Equal("404 Not Found", recent.Get(0, "404 Not Found"u8));
        Assert.Equal("204", recent.Get(0, "204"u8));
        var again = recent.Get(0, "200 OK"u8);
        Assert.Equal("200 OK", again);
        Assert.NotSame(ok, again);
        Assert.Same(again, recent.Get(0, "200 OK"u8));
    }

    [Fact]
    public void Get_PlacesAreKeptApart_AndOnesBeyondTheLastAreDecodedEveryTime()
    {
        var recent = new RecentText(2);
        var a = recent.Get(0, "text/plain"u8);
        var b = recent.Get(1, "text/plain"u8);

        Assert.Same(a, recent.Get(0, "text/plain"u8));
        Assert.Same(b, recent.Get(1, "text/plain"u8));
        Assert.Equal("x", recent.Get(2, "x"u8));
        Assert.NotSame(recent.Get(2, "xy"u8), recent.Get(2, "xy"u8));
    }

    [Fact]
    public void Get_LongText_IsNotKept_AndNonAsciiIsDecodedAsUtf8()
    {
        var recent = new RecentText(1);
        var longText = Encoding.UTF8.GetBytes(new string('a', 300));

        Assert.NotSame(recent.Get(0, longText), recent.Get(0, longText));
        Assert.Equal("caf\u00e9", recent.Get(0, "caf\u00e9"u8));
        Assert.Equal("", recent.Get(0, ""u8));
    }
}
