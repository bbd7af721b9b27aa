namespace AkkaWsgi.Tests.Support;

/// <summary>Builds theory rows that repeat each case for every supported interpreter.</summary>
public static class Matrix
{
    public static IEnumerable<object[]> WithEveryPython(params object[][] cases)
    {
        foreach (var python in PythonInstalls.Supported)
        {
            foreach (var row in cases)
            {
                yield return [python, .. row];
            }
        }
    }
}
