using AkkaWsgi.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AkkaWsgi.Tests.Http.Hosting;

public sealed class AddAkkaWsgiTests
{
    [Fact]
    public void BadOptions_AreRefused_NamingEachSettingAndItsFlag()
    {
        var services = new ServiceCollection();

        var e = Assert.Throws<ArgumentException>(() => services.AddAkkaWsgi(o =>
        {
            o.Workers = 0;
            o.MaxQueue = 0;
            o.TrustedProxies = ["not-a-network"];
        }));

        Assert.Contains("Module (--module) is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("Workers (--workers) must be between 1 and 1024", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxQueue (--max-queue)", e.Message, StringComparison.Ordinal);
        Assert.Contains("TrustedProxies (--trusted-proxy) not-a-network", e.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Theory]
    [InlineData("--workers", "0", "Workers (--workers) ")]
    [InlineData("--max-queue", "0", "MaxQueue (--max-queue) ")]
    [InlineData("--request-timeout", "0", "RequestTimeout (--request-timeout) ")]
    [InlineData("--max-age", "-1", "MaxAge (--max-age) ")]
    [InlineData("--max-parked", "-1", "MaxParked (--max-parked) ")]
    [InlineData("--cache-size", "-1", "CacheSize (--cache-size) ")]
    [InlineData("--trusted-proxy", "10.0.0.0/99", "TrustedProxies (--trusted-proxy) ")]
    [InlineData("--priority-prefix", "nowhere", "PriorityPrefixes (--priority-prefix) ")]
    public void TheCommandLine_AndTheOptions_StateTheSameRule(string flag, string value, string setting)
    {
        var cli = new AkkaWsgi.Http.CommandLine.ServerCommand().Root.Parse(["--module", "app", flag, value]).Errors
            .Select(e => e.Message).Single(m => m.StartsWith(flag, StringComparison.Ordinal));
        var options = new AkkaWsgiOptions { Module = "app" };
        switch (flag)
        {
            case "--workers": options.Workers = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--max-queue": options.MaxQueue = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--request-timeout": options.RequestTimeout = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--max-age": options.MaxAge = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--max-parked": options.MaxParked = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--cache-size": options.CacheSize = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--trusted-proxy": options.TrustedProxies = [value]; break;
            default: options.PriorityPrefixes = [value]; break;
        }

        var library = Assert.Single(options.Validate());

        Assert.StartsWith(setting, library, StringComparison.Ordinal);
        Assert.Equal(cli[flag.Length..], library[(setting.Length - 1)..]);
    }

    [Fact]
    public void Options_StaticMaps_EveryWrongOneIsNamed_IncludingAPrefixMappedTwice()
    {
        var options = new AkkaWsgiOptions { Module = "app", StaticMaps = ["/s=/tmp", "/s/=/", "nowhere", "/t=/no/such/akkawsgi/dir"] };

        var errors = options.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains("StaticMaps (--static-map) /s/=/: prefix '/s' is mapped twice", errors);
        Assert.Contains(errors, e => e.StartsWith("StaticMaps (--static-map) nowhere: ", StringComparison.Ordinal));
        Assert.Contains("StaticMaps (--static-map) /t=/no/such/akkawsgi/dir: directory '/no/such/akkawsgi/dir' does not exist", errors);
    }

    [Fact]
    public void SecondServer_InTheSameProcess_IsAClearError()
    {
        // Registration only: Python starts when the host first resolves the server, which these hosts never do.
        new ServiceCollection().AddAkkaWsgi(o => o.Module = "first");

        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddAkkaWsgi(o => o.Module = "second"));

        Assert.Contains("one process holds one Python runtime", e.Message, StringComparison.Ordinal);
    }
}
