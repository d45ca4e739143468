using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Postgres;
using LuckyGas.AppHost.Redis;

namespace LuckyGas.AppHost.Monitoring;

/// <summary>Adds Prometheus, Alertmanager and the exporters as containers for publish mode.</summary>
/// <remarks>
/// Every container is built from <c>Monitoring/Dockerfile</c>, which installs the Debian 12
/// packages that run mode uses, so both modes run the same versions. The container's first
/// argument picks the program. With <see cref="ManagedDataServices"/> the PostgreSQL and Redis
/// exporters are left out, because the managed services have no node to scrape.
/// </remarks>
public static class MonitoringContainers
{
    /// <summary>The port Prometheus listens on inside its container.</summary>
    public const int PrometheusPort = 9090;

    /// <summary>The port Alertmanager listens on inside its container.</summary>
    public const int AlertmanagerPort = 9093;

    /// <summary>The port node_exporter listens on inside its container.</summary>
    public const int NodeExporterPort = 9100;

    /// <summary>The port postgres_exporter listens on inside its container.</summary>
    public const int PostgresExporterPort = 9187;

    /// <summary>The port redis_exporter listens on inside its container.</summary>
    public const int RedisExporterPort = 9121;

    private const string Component = "Monitoring";
    private const string StartScript = "/usr/local/lib/luckygas/container-start.sh";

    // The project resources whose /metrics Prometheus scrapes, by the job names of prometheus.yml.
    private static readonly (string Job, string Resource)[] s_projectJobs =
    [
        ("api", "api"),
        ("web", "web"),
        ("backup_worker", "backup-worker"),
    ];

    /// <summary>
    /// Adds the same monitoring resources as run mode, as containers: one exporter per PostgreSQL
    /// node, Redis data node and sentinel, <c>node-exporter</c>, <c>alertmanager</c> and
    /// <c>prometheus</c>, which scrapes each of them and the projects by host name and port.
    /// </summary>
    internal static IResourceBuilder<ContainerResource> AddMonitoringContainers(
        this IDistributedApplicationBuilder builder, PostgresCluster postgres, RedisCluster redis,
        IResourceBuilder<ParameterResource> slackWebhookUrl)
    {
        var targets = new Dictionary<string, List<(string Resource, EndpointReference Endpoint)>>(StringComparer.Ordinal);
        void Track(string job, IResourceBuilder<IResourceWithEndpoints> resource) =>
            (targets.TryGetValue(job, out var list) ? list : targets[job] = []).Add(
                (resource.Resource.Name, resource.GetEndpoint("http")));

        if (!ManagedDataServices.IsEnabled(builder))
        {
            foreach (var node in postgres.Nodes)
            {
                var server = node.Server.GetEndpoint("tcp");
                var exporter = builder.AddMonitoringContainer($"{node.Name}-exporter", "postgres-exporter", PostgresExporterPort)
                    .WithEnvironment("DATA_SOURCE_NAME", ReferenceExpression.Create(
                        $"postgresql://{PostgresCluster.MonitoringRole}:{postgres.MonitoringPassword.Resource}@{server.Property(EndpointProperty.Host)}:{server.Property(EndpointProperty.Port)}/postgres?sslmode=disable"))
                    .WithParentRelationship(node.Server);
                Track("postgres", exporter);
            }

            var redisInstances = redis.Nodes.Select(node => ("redis", node))
                .Concat(redis.Sentinels.Select(sentinel => ("sentinel", sentinel)));
            foreach (var (job, instance) in redisInstances)
            {
                var server = instance.Server.GetEndpoint("tcp");
                var exporter = builder.AddMonitoringContainer($"{instance.Name}-exporter", "redis-exporter", RedisExporterPort)
                    .WithEnvironment("REDIS_ADDR", ReferenceExpression.Create(
                        $"redis://{server.Property(EndpointProperty.Host)}:{server.Property(EndpointProperty.Port)}"))
                    .WithEnvironment("REDIS_PASSWORD", redis.Password)
                    .WithParentRelationship(instance.Server);
                Track(job, exporter);
            }
        }

        Track("node", builder.AddMonitoringContainer("node-exporter", "node-exporter", NodeExporterPort));

        var alertmanager = builder.AddMonitoringContainer("alertmanager", "alertmanager", AlertmanagerPort)
            .WithVolume("alertmanager-data", "/var/lib/luckygas-monitoring/data")
            .WithEnvironment("SLACK_WEBHOOK_URL", slackWebhookUrl);
        Track("alertmanager", alertmanager);

        var prometheus = builder.AddMonitoringContainer("prometheus", "prometheus", PrometheusPort)
            .WithVolume("prometheus-data", "/var/lib/luckygas-monitoring/data")
            .WithEnvironment("ALERTMANAGER_ADDRESS", HostAndPort(alertmanager.GetEndpoint("http")));
        Track("prometheus", prometheus);

        foreach (var (job, resource) in s_projectJobs)
        {
            var project = builder.Resources.OfType<ProjectResource>().Single(item => item.Name == resource);
            prometheus.WithEnvironment(TargetsVariable(job), StaticConfigs([(resource, project.GetEndpoint("http"))]));
        }

        foreach (var (job, list) in targets)
        {
            prometheus.WithEnvironment(TargetsVariable(job), StaticConfigs(list));
        }

        return prometheus;
    }

    private static IResourceBuilder<ContainerResource> AddMonitoringContainer(
        this IDistributedApplicationBuilder builder, string name, string program, int port)
    {
        return builder.AddComponentContainer(name, Component)
            .WithStartScript("sh", StartScript, program)
            .WithHttpEndpoint(targetPort: port, name: "http");
    }

    /// <summary>Returns the environment variable that the start script copies into <c>CONF_{job}_targets</c>.</summary>
    private static string TargetsVariable(string job) => $"{job.ToUpperInvariant()}_TARGETS";

    private static ReferenceExpression HostAndPort(EndpointReference endpoint) =>
        ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");

    /// <summary>
    /// Returns a YAML flow sequence of static configs, one per target, labelled with its resource,
    /// as run mode writes them, with host names and ports that the deployment resolves.
    /// </summary>
    private static ReferenceExpression StaticConfigs(List<(string Resource, EndpointReference Endpoint)> targets)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("[");
        for (var index = 0; index < targets.Count; index++)
        {
            var (resource, endpoint) = targets[index];
            if (index > 0)
            {
                builder.AppendLiteral(", ");
            }

            // The expression's format escapes a literal brace by doubling it, as string.Format does.
            builder.Append($"{{{{targets: ['{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}'], labels: {{{{resource: '");
            builder.AppendLiteral(resource);
            builder.AppendLiteral("'}}}}");
        }

        builder.AppendLiteral("]");
        return builder.Build();
    }
}
