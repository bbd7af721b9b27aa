using Akka.Remote.Transport.DotNetty;
using AkkaWsgi.Actors.Cluster;
using AkkaWsgi.Http.Supervision;

namespace AkkaWsgi.Http.Hosting;

/// <summary>What makes this serving process a cluster node: where it listens and whom it joins, and its TLS identity.</summary>
internal sealed record ClusterNode(ClusterSettings Settings, DotNettySslSetup? Tls)
{
    /// <summary>The password of a --cluster-certificate, read from the environment rather than the command line.</summary>
    public const string PasswordVariable = "AKKAWSGI_CLUSTER_CERTIFICATE_PASSWORD";

    /// <summary>
    /// This process's part in a cluster: the one --cluster-listen names, or the loopback cluster its supervisor set up
    /// for its worker processes; null when it serves alone. Throws <see cref="InvalidOperationException"/> when the
    /// certificate files cannot be used.
    /// </summary>
    public static ClusterNode? For(ServerOptions options, WorkerEnvironment? worker)
    {
        if (options.ClusterListen is { } listen)
        {
            var self = ClusterEndpoint.Parse(listen);
            var seeds = options.ClusterSeeds.Select(ClusterEndpoint.Parse).ToList();
            var settings = new ClusterSettings
            {
                Listen = self,
                // Alone, a node starts the cluster; named among its seeds, it is the one that may start it if first.
                Seeds = seeds.Count == 0 ? [self] : seeds,
                Tls = options.ClusterCertificate is not null,
            };
            var tls = options.ClusterCertificate is { } certificate
                ? ClusterTls.Setup(certificate, options.ClusterKey, Environment.GetEnvironmentVariable(PasswordVariable), options.ClusterCa)
                : null;
            return new ClusterNode(settings, tls);
        }

        return worker?.Cluster is { } loopback ? new ClusterNode(loopback, null) : null;
    }
}
