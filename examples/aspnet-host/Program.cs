using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using AkkaWsgi.Actors.Dispatch;
using AkkaWsgi.Hosting;
using AspNetHost;

var builder = WebApplication.CreateBuilder(args);

// The Flask application in legacy/, with this host's settings (Python, RequestTimeout) from its configuration.
builder.Services.AddSingleton<Greeter>();
builder.Services.AddAkkaWsgi(options =>
{
    options.ExposeService<Greeter>("greeter"); // akkawsgi.host_service("greeter") in Python; nothing else of the host's
    options.Module = "legacy_app:app";
    options.Chdir = Path.Combine(AppContext.BaseDirectory, "legacy");
    options.Python = builder.Configuration["Python"];
    options.Workers = 4;
    options.RequestTimeout = double.Parse(builder.Configuration["RequestTimeout"] ?? "60", CultureInfo.InvariantCulture);
});

// One actor system for the host's actors and the server's.
builder.Services.AddAkka("platform", akka => akka
    .WithAkkaWsgi()
    .WithActors((system, registry) => registry.Register<NewsDesk>(system.ActorOf(Props.Create(() => new NewsDesk()), "news-desk"))));

var app = builder.Build();
app.MapGet("/hello", () => "hello from ASP.NET Core");
app.MapPost("/news", (string text, IRequiredActor<NewsDesk> desk) =>
{
    desk.ActorRef.Tell(new Headline(text));
    return Results.Accepted();
});
app.MapGet("/system", (ActorSystem system, IRequiredActor<DispatcherActor> dispatcher) => $"{system.Name} {dispatcher.ActorRef.Path}");
app.MapWsgi("/legacy");
app.Run();
