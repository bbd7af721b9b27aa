using AkkaWsgi.Hosting.Logging;
using Microsoft.Extensions.Logging;

namespace AkkaWsgi.Tests.Http.Logging;

public sealed class ServerLoggingTests
{
    // Hosting starts an Activity and a log scope for every request while this category is enabled at any level.
    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Theory]
    [InlineData("information")]
    [InlineData("warning")]
    [InlineData("error")]
    public void HostingDiagnostics_IsOff_AboveDebug(string level)
    {
        using var factory = ServerLogging.Create(level);

        Assert.False(factory.CreateLogger(HostingDiagnostics).IsEnabled(LogLevel.Critical));
        Assert.True(factory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Error));
    }

    [Fact]
    public void HostingDiagnostics_IsOn_AtDebug()
    {
        using var factory = ServerLogging.Create("debug");

        Assert.True(factory.CreateLogger(HostingDiagnostics).IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void HostingDiagnostics_IsOff_InJson()
    {
        using var factory = ServerLogging.Create("information", json: true);

        Assert.False(factory.CreateLogger(HostingDiagnostics).IsEnabled(LogLevel.Critical));
    }
}
