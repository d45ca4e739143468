using System.Globalization;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.PgBouncer;
using LuckyGas.AppHost.Postgres;
using LuckyGas.AppHost.Redis;

namespace LuckyGas.AppHost.Monitoring;

/// <summary>
/// Adds Prometheus, Alertmanager and the exporters from the Debian packages, as host processes
/// for run mode.
/// </summary>
public static class MonitoringExtensions
{
    /// <summary>The project instances whose <c>/metrics</c> Prometheus scrapes, by job.</summary>
    private static readonly (string Job, string[] Resources)[] s_projectJobs =
    [
        ("api", ["api-1", "api-2"]),
        ("web", ["web-1", "web-2"]),
        ("backup_worker", ["backup-worker"]),
    ];

    /// <summary>
    /// Adds <c>postgres-N-exporter</c> for each node, <c>redis-N-exporter</c> for each data node, <c>sentinel-N-exporter</c> for each sentinel,
    /// <c>node-exporter</c>, <c>alertmanager</c> (notifying the <c>slack-webhook-url</c> webhook)
    /// and <c>prometheus</c>, which scrapes every project instance and exporter every 15 s and
    /// evaluates <c>Monitoring/alert-rules.yml</c>.
    /// </summary>
    /// <remarks>
    /// Exporters run as <c>nobody</c> when the AppHost runs as root, and sign in to PostgreSQL
    /// as <see cref="PostgresCluster.MonitoringRole"/>. node_exporter's textfile
    /// collector reads <c>node-exporter/</c> in the state folder, where other parts of the AppHost
    /// write <c>*.prom</c> files.
    /// </remarks>
    public static IResourceBuilder<ExecutableResource> AddMonitoring(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        PostgresCluster postgres, RedisCluster redis,
        IResourceBuilder<ParameterResource> slackWebhookUrl)
    {
        var monitoringPassword = postgres.MonitoringPassword;
        var exporters = new Dictionary<string, List<(string Resource, int Port)>>(StringComparer.Ordinal);
        void Track(string job, string resource, int port) =>
            (exporters.TryGetValue(job, out var list) ? list : exporters[job] = []).Add((resource, port));

        var queriesFile = CopyToState(builder, state, "postgres-exporter-queries.yaml");
        foreach (var node in postgres.Nodes)
        {
            var name = $"{node.Name}-exporter";
            var port = ports.GetPort(name);
            builder.AddExporter(name, "/usr/bin/prometheus-postgres-exporter", port, state,
                    $"--web.listen-address=127.0.0.1:{Format(port)}", $"--extend.query-path={queriesFile}")
                .WithEnvironment("DATA_SOURCE_NAME", ReferenceExpression.Create(
                    $"postgresql://{PostgresCluster.MonitoringRole}:{monitoringPassword.Resource}@127.0.0.1:{Format(node.Port)}/postgres?sslmode=disable"))
                .WithParentRelationship(node.Server);
            Track("postgres", node.Name, port);
        }

        // NOTE: Debian 12's prometheus-pgbouncer-exporter 1.7 exits at start against pgBouncer 1.18,
        // because it reads the SHOW STATS column total_requests, which pgBouncer 1.8 removed. The
        // API exports pgBouncer's active and waiting clients instead (luckygas_pgbouncer_clients_*).

        foreach (var (job, instance) in redis.Nodes.Select(node => ("redis", node)).Concat(redis.Sentinels.Select(sentinel => ("sentinel", sentinel))))
        {
            var name = $"{instance.Name}-exporter";
            var port = ports.GetPort(name);
            builder.AddExporter(name, "/usr/bin/prometheus-redis-exporter", port, state,
                    $"--redis.addr=redis://127.0.0.1:{Format(instance.Port)}", $"--web.listen-address=127.0.0.1:{Format(port)}")
                .WithEnvironment("REDIS_PASSWORD", redis.Password)
                .WithParentRelationship(instance.Server);
            Track(job, instance.Name, port);
        }

        var textfileDirectory = state.Combine("node-exporter");
        Directory.CreateDirectory(textfileDirectory);
        var nodeExporterPort = ports.GetPort("node-exporter");
        builder.AddExporter("node-exporter", "/usr/bin/prometheus-node-exporter", nodeExporterPort, state,
            $"--web.listen-address=127.0.0.1:{Format(nodeExporterPort)}",
            $"--collector.textfile.directory={textfileDirectory}");
        Track("node", "node-exporter", nodeExporterPort);

        var alertmanager = builder.AddAlertmanager(state, ports, slackWebhookUrl);
        var alertmanagerPort = alertmanager.Resource.Annotations.OfType<EndpointAnnotation>().Single().Port!.Value;
        Track("alertmanager", "alertmanager", alertmanagerPort);

        return builder.AddPrometheus(state, ports, exporters, alertmanagerPort)
            .WaitFor(alertmanager);
    }

    private static IResourceBuilder<ExecutableResource> AddPrometheus(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        Dictionary<string, List<(string Resource, int Port)>> targets, int alertmanagerPort)
    {
        const string name = "prometheus";
        var directory = state.Combine(name);
        Directory.CreateDirectory(directory);
        var port = ports.GetPort(name);
        targets["prometheus"] = [(name, port)];

        var values = new Dictionary<string, string>
        {
            ["rules_file"] = Path.Combine(builder.AppHostDirectory, "Monitoring", "alert-rules.yml"),
            ["alertmanager_port"] = Format(alertmanagerPort),
        };
        foreach (var (job, resources) in s_projectJobs)
        {
            values[$"{job}_targets"] = StaticConfigs(resources.Select(resource => (resource, ports.GetPort(resource))));
        }

        foreach (var (job, list) in targets)
        {
            values[$"{job}_targets"] = StaticConfigs(list);
        }

        var configFile = Path.Combine(directory, "prometheus.yml");
        WriteFile(configFile, ConfigTemplate.Render(
            File.ReadAllText(Path.Combine(builder.AppHostDirectory, "Monitoring", "prometheus.yml")), values, "prometheus.yml"));

        string[] arguments =
        [
            $"--config.file={configFile}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            "--storage.tsdb.retention.time=15d",
            $"--web.listen-address=127.0.0.1:{Format(port)}",
        ];
        return builder.AddExecutable(name, "/usr/bin/prometheus", directory, arguments)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/-/ready");
    }

    private static IResourceBuilder<ExecutableResource> AddAlertmanager(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        IResourceBuilder<ParameterResource> slackWebhookUrl)
    {
        const string name = "alertmanager";
        var directory = state.Combine(name);
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var port = ports.GetPort(name);
        var configFile = Path.Combine(directory, "alertmanager.yml");
        var urlFile = Path.Combine(directory, "slack-webhook-url");

        // The URL is a secret, so it is resolved just before start and kept in a private file that
        // the configuration names, never in the configuration or the AppHost's model.
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            var url = await slackWebhookUrl.Resource.GetValueAsync(cancellationToken);
            WriteFile(urlFile, url ?? string.Empty);
            var values = new Dictionary<string, string>
            {
                ["receiver"] = string.IsNullOrWhiteSpace(url) ? "log-only" : "slack",
                ["webhook_url_file"] = urlFile,
            };
            WriteFile(configFile, ConfigTemplate.Render(
                await File.ReadAllTextAsync(Path.Combine(builder.AppHostDirectory, "Monitoring", "alertmanager.yml"), cancellationToken),
                values, "alertmanager.yml"));
        });

        string[] arguments =
        [
            $"--config.file={configFile}",
            $"--storage.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{Format(port)}",
            // An empty address turns off the gossip cluster, which would listen on 0.0.0.0:9094.
            "--cluster.listen-address=",
        ];
        return builder.AddExecutable(name, "/usr/bin/prometheus-alertmanager", directory, arguments)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/-/ready");
    }

    private static IResourceBuilder<ExecutableResource> AddExporter(
        this IDistributedApplicationBuilder builder, string name, string program, int port, StateDirectory state,
        params string[] arguments)
    {
        var (command, wrapped) = Unprivileged(program, arguments);
        return builder.AddExecutable(name, command, state.Path, wrapped)
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithHttpHealthCheck("/metrics");
    }

    /// <summary>Returns a command that runs the exporter as <c>nobody</c> when the AppHost runs as root.</summary>
    private static (string Command, string[] Arguments) Unprivileged(string program, string[] arguments)
    {
        if (Environment.UserName != "root")
        {
            return (program, arguments);
        }

        return ("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", program, .. arguments]);
    }

    private static string CopyToState(IDistributedApplicationBuilder builder, StateDirectory state, string file)
    {
        var directory = state.Combine("monitoring");
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, file);
        WriteFile(target, File.ReadAllText(Path.Combine(builder.AppHostDirectory, "Monitoring", file)), shared: true);
        return target;
    }

    /// <summary>Writes a file atomically, readable by its owner only unless <paramref name="shared"/>.</summary>
    private static void WriteFile(string path, string text, bool shared = false)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.SetUnixFileMode(temporary, shared ? mode | UnixFileMode.GroupRead | UnixFileMode.OtherRead : mode);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Returns a YAML flow sequence of static configs, one per target, labelled with its resource.</summary>
    private static string StaticConfigs(IEnumerable<(string Resource, int Port)> targets) =>
        "[" + string.Join(", ", targets.Select(target =>
            $"{{targets: ['127.0.0.1:{Format(target.Port)}'], labels: {{resource: '{target.Resource}'}}}}")) + "]";

    private static string Format(int port) => port.ToString(CultureInfo.InvariantCulture);
}
