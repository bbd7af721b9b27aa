using System.Text;
using AkkaWsgi.Hosting.Front;

namespace AkkaWsgi.Tests.Http.Front;

public sealed class RequestTargetTests
{
    [Theory]
    [InlineData("/a/b?x=1&y=%20", "/a/b", "x=1&y=%20")]
    [InlineData("/a/b", "/a/b", "")]
    [InlineData("/?", "/", "")]
    [InlineData("/a?b?c", "/a", "b?c")]
    [InlineData("http://example.com/p/q?z", "/p/q", "z")]
    [InlineData("http://example.com", "/", "")]
    [InlineData("https://example.com?k=v", "/", "k=v")]
    [InlineData("*", "*", "")]
    public void Split_SeparatesPathFromRawQuery(string target, string path, string query)
    {
        RequestTarget.Split(target, out var actualPath, out var actualQuery);

        Assert.Equal(path, actualPath);
        Assert.Equal(query, actualQuery);
    }

    [Theory]
    [InlineData("/caf%C3%A9", new byte[] { (byte)'/', (byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9 })]
    [InlineData("/a%2Fb", new byte[] { (byte)'/', (byte)'a', (byte)'/', (byte)'b' })]
    [InlineData("/%zz%4", new byte[] { (byte)'/', (byte)'%', (byte)'z', (byte)'z', (byte)'%', (byte)'4' })]
    [InlineData("/a/../b", new byte[] { (byte)'/', (byte)'a', (byte)'/', (byte)'.', (byte)'.', (byte)'/', (byte)'b' })]
    public void Decode_PercentDecodesWithoutNormalising(string path, byte[] expected)
    {
        var buffer = new byte[RequestTarget.MaxDecodedLength(path)];

        var length = RequestTarget.Decode(path, buffer);

        Assert.Equal(expected, buffer[..length]);
    }

    [Fact]
    public void Decode_NonAsciiCharacters_BecomeUtf8Bytes()
    {
        var path = "/é😀";
        var buffer = new byte[RequestTarget.MaxDecodedLength(path)];

        var length = RequestTarget.Decode(path, buffer);

        Assert.Equal(Encoding.UTF8.GetBytes(path), buffer[..length]);
    }
}
