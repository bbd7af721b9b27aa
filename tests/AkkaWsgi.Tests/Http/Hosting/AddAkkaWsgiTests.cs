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

    [Fact]
    public void SecondServer_InTheSameProcess_IsAClearError()
    {
        // Registration only: Python starts when the host first resolves the server, which these hosts never do.
        new ServiceCollection().AddAkkaWsgi(o => o.Module = "first");

        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddAkkaWsgi(o => o.Module = "second"));

        Assert.Contains("one process holds one Python runtime", e.Message, StringComparison.Ordinal);
    }
}
