using AkkaWsgi.Tests.Support;

namespace AkkaWsgi.Tests.Integration;

public sealed class InterpreterDiscoveryTests
{
    [Fact]
    public void AtLeastOneEmbeddableInterpreterIsFound()
    {
        // Without one, every per-interpreter theory would have no rows and silently test nothing.
        Assert.True(PythonInstalls.Supported.Count > 0, PythonInstalls.NoneFoundMessage);
    }
}
