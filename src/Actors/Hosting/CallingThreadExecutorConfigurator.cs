using Akka.Configuration;
using Akka.Dispatch;

namespace AkkaWsgi.Actors.Hosting;

/// <summary>Makes <see cref="CallingThreadExecutor"/> available to HOCON as a dispatcher's <c>executor</c>.</summary>
internal sealed class CallingThreadExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new CallingThreadExecutor(id);
}
