using AkkaWsgi.Http.CommandLine;

namespace AkkaWsgi.Tests.Http.CommandLine;

public sealed class UsageErrorsTests
{
    [Theory]
    [InlineData(new[] { "--wokers", "4" }, "unknown flag --wokers: did you mean --workers?")]
    [InlineData(new[] { "--max-aeg=5" }, "unknown flag --max-aeg: did you mean --max-age?")]
    [InlineData(new[] { "--frobnicate" }, "unknown flag --frobnicate")]
    [InlineData(new[] { "--workers", "abc" }, "--workers abc: expected a whole number")]
    [InlineData(new[] { "--max-age", "99999999999" }, "--max-age 99999999999: too large (at most 2147483647)")]
    [InlineData(new[] { "--workers", "-99999999999" }, "--workers -99999999999: too small (at least -2147483648)")]
    [InlineData(new[] { "--request-timeout", "soon" }, "--request-timeout soon: expected a number")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray' (every value follows its flag, such as --workers 4)")]
    public void Errors_AreSaidInWords_AndAMisspeltFlagsValueIsNotASecondError(string[] flags, string expected)
    {
        var command = new ServerCommand();

        var errors = UsageErrors.Describe(command.Root.Parse(["--module", "app", .. flags]), command.Root).ToList();

        Assert.Equal([expected], errors);
    }

    [Theory]
    [InlineData(new string[0], "no application given: --module MODULE[:CALLABLE] names the WSGI application, such as --module mysite.wsgi or --module app:app")]
    [InlineData(new[] { "--workers", "4" }, "no application given: --module MODULE[:CALLABLE] names the WSGI application, such as --module mysite.wsgi or --module app:app")]
    [InlineData(new[] { "--module" }, "--module needs a value after it")]
    public void MissingModuleOrValue_SaysWhatToGive(string[] flags, string expected)
    {
        var command = new ServerCommand();

        var errors = UsageErrors.Describe(command.Root.Parse(flags), command.Root).ToList();

        Assert.Equal([expected], errors);
    }
}
