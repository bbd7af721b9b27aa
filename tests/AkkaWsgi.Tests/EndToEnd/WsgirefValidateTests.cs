using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.EndToEnd;

/// <summary>
/// The conformance app wrapped in wsgiref.validate.validator, which asserts PEP 3333 rules on
/// everything the server hands the app (environ, wsgi.input, wsgi.errors, start_response, close()).
/// Any violation surfaces as an AssertionError traceback in the log or a 500.
/// </summary>
public sealed class WsgirefValidateTests(ValidatedAppFixture fixture) : IClassFixture<ValidatedAppFixture>
{
    [Fact]
    public async Task ValidatorWrappedApp_SeesNoPep3333ViolationAcrossARangeOfRequests()
    {
        var server = await fixture.GetAsync();
        var before = server.LineCount;
        var token = TestHttp.NewToken();
        var requests = new (string Request, bool Head, int Status)[]
        {
            (TestHttp.Get(server, "/environ/validated?x=1&y=%20"), false, 200),
            (Post("/input/content-length", "validated body"), false, 200),
            (Post("/input/readline", "one\ntwo\nthree"), false, 200),
            (Post("/input/readline-n?n=2", "abcdef\ng"), false, 200),
            (Post("/input/read-n?n=3", "0123456789"), false, 200),
            (Post("/input/readlines", "a\nb\n"), false, 200),
            (Post("/input/iter", "x\ny"), false, 200),
            (TestHttp.Get(server, "/write"), false, 200),
            (TestHttp.Get(server, "/sized?size=100000&chunk=7000"), false, 200),
            (TestHttp.Get(server, "/sized?size=5000&length=1"), false, 200),
            (TestHttp.Get(server, $"/close-counted?token={token}&count=4"), false, 200),
            (TestHttp.Get(server, $"/file-wrapper?token={token}&size=20000"), false, 200),
            (TestHttp.Get(server, "/multi-headers"), false, 200),
            (TestHttp.Get(server, "/empty"), false, 200),
            (TestHttp.Get(server, $"/errors?token={token}"), false, 200),
            ($"HEAD /head-probe?token={token}x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", true, 200),
        };

        foreach (var (request, head, status) in requests)
        {
            var response = await TestHttp.RawAsync(server, request, head);
            Assert.True(response.StatusCode == status,
                $"{request.Split('\r')[0]}: {response.StatusCode} {response.BodyText}\n{server.LogSince(before)}");
        }

        Assert.Equal(1, await TestHttp.WaitForCounterAsync(server, token, "close", 1, TimeSpan.FromSeconds(5)));

        // The validator reports a never-closed iterator only when it is garbage collected: give it a moment.
        await Task.Delay(500);
        var log = server.LogSince(before);
        Assert.DoesNotContain("AssertionError", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", log, StringComparison.Ordinal);
        Assert.DoesNotContain("WSGIWarning", log, StringComparison.Ordinal);
    }

    private static string Post(string target, string body) =>
        $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n" +
        $"Connection: close\r\n\r\n{body}";
}
