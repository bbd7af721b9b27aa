using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

/// <summary>Python code using .NET through pythonnet's clr module: refused by default, allowed with --allow-clr.</summary>
public sealed class DotNetAccessTests
{
    [Theory]
    [MemberData(nameof(PythonInstalls.All), MemberType = typeof(PythonInstalls))]
    public async Task AllowClr_LetsTheApplicationCallDotNetTypes(string python)
    {
        var arguments = ServerProcess.AppArguments("dotnet_app", python, workers: 2);
        arguments.Add("--allow-clr");
        using var server = await ServerProcess.StartAsync(arguments);
        using var http = TestHttp.Client(server);

        var body = await http.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Equal($"dotnet: a-b-c, {Environment.ProcessorCount} processors", body);
        Assert.Contains(".NET allowed", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByDefault_ImportClr_RaisesImportErrorSayingHowToAllowIt()
    {
        using var server = await ServerProcess.StartAsync(ServerProcess.AppArguments("dotnet_app", PythonInstalls.Default, workers: 2));
        using var http = TestHttp.Client(server);

        var body = await http.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Equal("no dotnet: import clr: the application may not use .NET; start akkawsgi with --allow-clr to let it", body);
    }
}
