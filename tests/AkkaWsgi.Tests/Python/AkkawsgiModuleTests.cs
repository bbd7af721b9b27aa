using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Python;

/// <summary>The `akkawsgi` module applications import (and its `wsgo` alias), in a real embedded CPython.</summary>
public sealed class AkkawsgiModuleTests
{
    [Fact]
    public void Module_HasItsConstantsVersionAndTimeoutException()
    {
        var result = Evaluate("""
            import akkawsgi
            result = "%s %s %s %s %s %s" % (akkawsgi.RETRY, akkawsgi.DISCONNECT, akkawsgi.HTTP_204, akkawsgi.HTTP_504,
                issubclass(akkawsgi.RequestTimeout, Exception), bool(akkawsgi.__version__))
            """);

        Assert.Equal("retry disconnect http-204 http-504 False True", result);
    }

    [Fact]
    public void WsgoAlias_IsTheSameModule()
    {
        Assert.Equal("True", Evaluate("import akkawsgi, wsgo\nresult = str(wsgo is akkawsgi)"));
    }

    [Fact]
    public void Decorators_RegisterJobsAndReturnTheFunction()
    {
        var result = Evaluate("""
            import akkawsgi
            before = len(akkawsgi._jobs)
            @akkawsgi.cron(30, -1, -1, -1, -1)
            def half_past():
                pass
            @akkawsgi.timer(2.5)
            def often():
                pass
            added = akkawsgi._jobs[before:]
            result = repr([(kind, spec, f.__name__) for kind, spec, f in added]) + " " + half_past.__name__
            """);

        Assert.Equal("[('cron', (30, -1, -1, -1, -1), 'half_past'), ('timer', (2.5,), 'often')] half_past", result);
    }

    [Fact]
    public void Cron_DaysThatComeInSomeMonthsOrYears_AreAccepted()
    {
        var result = Evaluate("""
            import akkawsgi
            before = len(akkawsgi._jobs)
            akkawsgi.cron(0, 0, 29, 2, -1)(print)
            akkawsgi.cron(0, 0, 31, -1, -1)(print)
            akkawsgi.cron(0, 0, 30, 11, -1)(print)
            result = repr([spec for kind, spec, f in akkawsgi._jobs[before:]])
            """);

        Assert.Equal("[(0, 0, 29, 2, -1), (0, 0, 31, -1, -1), (0, 0, 30, 11, -1)]", result);
    }

    [Theory]
    [InlineData("akkawsgi.cron(60, -1, -1, -1, -1)", "ValueError: cron() minute must be -1 (any) or between 0 and 59, not 60")]
    [InlineData("akkawsgi.cron(0, 0, 0, -1, -1)", "ValueError: cron() day must be -1 (any) or between 1 and 31, not 0")]
    [InlineData("akkawsgi.cron(0, 0, 31, 4, -1)", "ValueError: cron() day 31 never comes in month 4, which has at most 30 days")]
    [InlineData("akkawsgi.cron(0, 0, 30, 2, -1)", "ValueError: cron() day 30 never comes in month 2, which has at most 29 days")]
    [InlineData("akkawsgi.cron(0, 0, 1, -1, 7)", "ValueError: cron() weekday must be -1 (any) or between 0 and 6, not 7")]
    [InlineData("akkawsgi.cron('0', 0, 1, 1, 1)", "TypeError: cron() minute must be an int, not str")]
    [InlineData("akkawsgi.timer(0)", "ValueError: timer() seconds must be a positive, finite number, not 0")]
    [InlineData("akkawsgi.timer(float('nan'))", "ValueError: timer() seconds must be a positive, finite number, not nan")]
    [InlineData("akkawsgi.timer(1e12)", "ValueError: timer() seconds must be at most 31536000 (a year), not 1000000000000.0; @akkawsgi.cron names days and months")]
    [InlineData("akkawsgi.timer(31536000)", "accepted")]
    [InlineData("akkawsgi.timer('5')", "TypeError: timer() seconds must be a number, not str")]
    [InlineData("akkawsgi.timer(5)(42)", "TypeError: @akkawsgi.timer(...) must decorate a function")]
    [InlineData("akkawsgi.cron(0, 0, -1, -1)", "TypeError: cron() missing 1 required positional argument: 'weekday'")]
    [InlineData("akkawsgi.notify_parked()", "TypeError: notify_parked() missing 2 required positional arguments: 'channels' and 'action'")]
    [InlineData("akkawsgi.timer(5, 6)", "TypeError: timer() takes 1 positional argument but 2 were given")]
    public void Decorators_BadArguments_RaiseClearPythonErrors(string call, string expected)
    {
        var result = Evaluate($$"""
            import akkawsgi
            try:
                {{call}}
                result = "accepted"
            except Exception as e:
                result = "%s: %s" % (type(e).__name__, e)
            """);

        Assert.Equal(expected, result);
    }

    private static string Evaluate(string source)
    {
        var (_, worker) = EmbeddedPython.Shared.Load($$"""
            {{source}}

            def application(environ, start_response):
                start_response("200 OK", [])
                return [result.encode()]
            """);
        var exchange = new RecordingExchange();
        EmbeddedPython.Shared.Run(() =>
        {
            worker.Run(exchange);
            return 0;
        });
        return exchange.BodyText;
    }
}
