using AkkaWsgi.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AkkaWsgi.Hosting;

/// <summary>Registers a WSGI server in an ASP.NET Core host's services.</summary>
public static class AkkaWsgiServiceCollectionExtensions
{
    /// <summary>The options of the server registered in this process (there is one at most).</summary>
    internal static AkkaWsgiOptions? Registered { get; private set; }

    /// <summary>
    /// Registers the server: its options, the embedded Python (started, and the application imported, when the host
    /// first needs it) and the front's services. The host then adds the server's actors to its actor system with
    /// <see cref="AkkaWsgiAkkaExtensions.WithAkkaWsgi"/> and mounts the application with
    /// <see cref="AkkaWsgiEndpointExtensions.MapWsgi"/>. Bad options throw <see cref="ArgumentException"/> listing
    /// what is wrong; a process holds one Python runtime, so a second call throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static IServiceCollection AddAkkaWsgi(this IServiceCollection services, Action<AkkaWsgiOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AkkaWsgiOptions();
        configure(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"akkawsgi: {string.Join("; ", errors)}", nameof(configure));
        }

        PythonHost.Claim();
        var pythonStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return services.AddWsgiServer(options, sp =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            sp.GetService<IHostApplicationLifetime>()?.ApplicationStopped.Register(() => pythonStopped.TrySetResult());
            var server = new WsgiServer(options, PythonHost.StartOwnThread(options, loggerFactory, pythonStopped.Task), loggerFactory,
                sp.GetService<TimeProvider>() ?? TimeProvider.System);
            server.StopHost = () => sp.GetService<IHostApplicationLifetime>()?.StopApplication();
            server.Python.Application.HostServices = options.HostServices.ToDictionary(
                exposed => exposed.Key, exposed => (Func<object?>)(() => sp.GetService(exposed.Value)), StringComparer.Ordinal);
            return server;
        });
    }

    /// <summary>For the akkawsgi executable, whose Python is already running on its main thread.</summary>
    internal static IServiceCollection AddWsgiServer(this IServiceCollection services, AkkaWsgiOptions options, Func<IServiceProvider, WsgiServer> server)
    {
        if (services.Any(d => d.ServiceType == typeof(WsgiServer)))
        {
            throw new InvalidOperationException("akkawsgi: AddAkkaWsgi was called twice; one host serves one WSGI application");
        }

        Registered = options;
        return services.AddSingleton(options).AddSingleton(server);
    }
}
