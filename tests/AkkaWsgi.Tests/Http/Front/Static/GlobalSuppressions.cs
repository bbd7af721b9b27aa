using System.Diagnostics.CodeAnalysis;

// Test namespaces mirror src/ (AkkaWsgi.Hosting.Front.Static); test classes must be public for xunit, and no other
// language consumes a test assembly, so Visual Basic's Static keyword costs nothing here.
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Scope = "namespace",
    Target = "~N:AkkaWsgi.Tests.Http.Front.Static")]
