using Microsoft.AspNetCore.Http;

namespace AkkaWsgi.Hosting.Front.Static;

/// <summary>One static map made ready to serve: its files and the framework middleware that sends them.</summary>
/// <param name="Mapping">The prefix and directory, as given on the command line.</param>
/// <param name="Files">The directory's files, contained.</param>
/// <param name="Serve">The framework's static file middleware for this directory, followed by the application.</param>
internal sealed record StaticSite(StaticMapping Mapping, ContainedFileProvider Files, RequestDelegate Serve);
