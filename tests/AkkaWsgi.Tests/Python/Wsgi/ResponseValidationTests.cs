using AkkaWsgi.Python.Wsgi;

namespace AkkaWsgi.Tests.Python.Wsgi;

public sealed class ResponseValidationTests
{
    [Theory]
    [InlineData("200 OK", 200, "OK")]
    [InlineData("404 Not Found", 404, "Not Found")]
    [InlineData("599 Custom Reason", 599, "Custom Reason")]
    public void ParseStatus_Valid(string status, int code, string reason)
    {
        Assert.Null(ResponseValidation.ParseStatus(status, out var actualCode, out var actualReason));
        Assert.Equal(code, actualCode);
        Assert.Equal(reason, actualReason);
    }

    [Theory]
    [InlineData("200")]
    [InlineData("200 ")]
    [InlineData("20 OK")]
    [InlineData("2000 OK")]
    [InlineData("OK 200")]
    [InlineData("100 Continue")]
    [InlineData("200 OK\r\nX: injected")]
    [InlineData(" 200 OK")]
    public void ParseStatus_Invalid_ReturnsMessageNamingTheStatus(string status)
    {
        var error = ResponseValidation.ParseStatus(status, out _, out _);

        Assert.NotNull(error);
        Assert.Contains("status", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Content-Type", "text/html")]
    [InlineData("X-Custom", "a\tb")]
    [InlineData("Set-Cookie", "a=b; Path=/")]
    [InlineData("X-Latin1", "caf\u00e9")]
    public void CheckHeader_Valid(string name, string value)
    {
        Assert.Null(ResponseValidation.CheckHeader(name, value));
    }

    [Theory]
    [InlineData("Bad Name", "v", "token")]
    [InlineData("", "v", "token")]
    [InlineData("X-Split", "a\r\nX-Injected: 1", "control character")]
    [InlineData("X-Nul", "a\0b", "control character")]
    [InlineData("X-Wide", "\u20ac", "latin-1")]
    public void CheckHeader_Invalid_SaysWhy(string name, string value, string reason)
    {
        var error = ResponseValidation.CheckHeader(name, value);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Connection", true)]
    [InlineData("transfer-encoding", true)]
    [InlineData("KEEP-ALIVE", true)]
    [InlineData("Upgrade", true)]
    [InlineData("Content-Length", false)]
    [InlineData("X-Connection", false)]
    public void IsHopByHop_IgnoresCase(string name, bool expected)
    {
        Assert.Equal(expected, ResponseValidation.IsHopByHop(name));
    }

    [Theory]
    [InlineData("Content-Type", "HTTP_CONTENT_TYPE")]
    [InlineData("x-forwarded-for", "HTTP_X_FORWARDED_FOR")]
    [InlineData("Accept", "HTTP_ACCEPT")]
    public void CgiName_UppercasesAndReplacesDashes(string header, string expected)
    {
        Assert.Equal(expected, EnvironWriter.CgiName(header));
    }
}
