using System.Globalization;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Adds the PostgreSQL cluster: host processes in run mode, containers in publish mode.</summary>
public static class PostgresClusterExtensions
{
    /// <summary>The folder of the PostgreSQL 15 server and client programs from the Debian packages.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// Adds three PostgreSQL 15 nodes with streaming replication, repmgrd on each, and a
    /// <c>postgres</c> group resource that is healthy while a primary has a streaming standby.
    /// </summary>
    /// <remarks>
    /// <c>postgres-1</c> is the primary on the first start; the other nodes clone from it. Each
    /// node keeps the role its state folder records on later starts. The nodes are named for the
    /// node, not the role, because roles move on failover. In publish mode the nodes are
    /// containers instead (<see cref="PostgresContainers"/>), with repmgrd inside each.
    /// </remarks>
    public static PostgresCluster AddPostgresCluster(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports, ServerAccount account)
    {
        var postgresPassword = builder.AddGeneratedSecret("postgres-password");
        var replicationPassword = builder.AddGeneratedSecret("replication-password");
        var appPassword = builder.AddGeneratedSecret("db-password");
        var monitoringPassword = builder.AddGeneratedSecret("monitoring-password");

        var nodeIds = new[] { 1, 2, 3 };
        var group = builder.AddResourceGroup("postgres", "PostgresCluster", "postgres-cluster");
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddPostgresContainers(group, postgresPassword, replicationPassword, appPassword, monitoringPassword, nodeIds);
        }

        var nodePorts = nodeIds.ToDictionary(id => id, id => ports.GetPort(NodeName(id)));
        var clusterNodes = string.Join(' ', nodeIds.Select(id => $"{id}:{nodePorts[id]}:{state.Combine(NodeName(id))}"));

        // repmgr's event notification repoints pgBouncer; pgBouncer's files are rendered later.
        var pgBouncer = new PgBouncerTarget(
            state.Combine(PgBouncerTarget.ResourceName, "pgbouncer.ini"), ports.GetPort(PgBouncerTarget.ResourceName),
            Path.Combine(builder.AppHostDirectory, "PgBouncer", "repoint-pgbouncer.sh"),
            string.Join(',', nodeIds.Select(id => $"{id}:{nodePorts[id]}")));

        var nodes = new List<PostgresNode>();
        var servers = new List<IResourceBuilder<ExecutableResource>>();

        foreach (var id in nodeIds)
        {
            var name = NodeName(id);
            var nodeDirectory = state.Combine(name);
            var port = nodePorts[id];
            RenderNodeConfiguration(builder, account, nodeDirectory, id, port, pgBouncer);

            var (command, arguments) = account.Wrap("bash", Path.Combine(builder.AppHostDirectory, "Postgres", "postgres-node.sh"));
            var server = builder.AddExecutable(name, command, nodeDirectory, arguments)
                .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
                .WithNodeEnvironment(id, port, nodeDirectory, postgresPassword, replicationPassword)
                .WithEnvironment("CLUSTER_NODES", clusterNodes)
                .WithEnvironment("APP_PASSWORD", appPassword)
                .WithEnvironment("MONITORING_PASSWORD", monitoringPassword)
                .WithHealthCheck(name)
                .WithParentRelationship(group);

            var (repmgrdCommand, repmgrdArguments) = account.Wrap("bash", Path.Combine(builder.AppHostDirectory, "Postgres", "repmgrd.sh"));
            var repmgrd = builder.AddExecutable($"{name}-repmgrd", repmgrdCommand, nodeDirectory, repmgrdArguments)
                .WithNodeEnvironment(id, port, nodeDirectory, postgresPassword, replicationPassword)
                .WithParentRelationship(server)
                .WaitFor(server);

            builder.Services.AddHealthChecks().Add(new(name,
                _ => new PostgresNodeHealthCheck(port, nodeDirectory, postgresPassword.Resource), failureStatus: null, tags: null));
            nodes.Add(new PostgresNode(id, server, port, repmgrd, nodeDirectory));
            servers.Add(server);
        }

        builder.Services.AddHealthChecks().Add(new("postgres-cluster",
            _ => new PostgresClusterHealthCheck(nodes.Select(node => (node.Name, node.Port)).ToList(), postgresPassword.Resource,
                state.Combine(TextfileMetrics.DirectoryName)),
            failureStatus: null, tags: null));

        var cluster = new PostgresCluster(group, nodes, postgresPassword, appPassword, monitoringPassword);
        group.WithClusterCommands(cluster, account, pgBouncer);
        foreach (var (server, node) in servers.Zip(nodes))
        {
            server.WithNodeCommands(node, cluster, account, pgBouncer);
        }

        return cluster;
    }

    internal static string NodeName(int id) => $"postgres-{id}";

    private static IResourceBuilder<ExecutableResource> WithNodeEnvironment(
        this IResourceBuilder<ExecutableResource> builder, int id, int port, string nodeDirectory,
        IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> replicationPassword)
    {
        return builder
            .WithEnvironment("NODE_ID", id.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("NODE_NAME", NodeName(id))
            .WithEnvironment("NODE_DIR", nodeDirectory)
            .WithEnvironment("NODE_PORT", port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("PG_BINDIR", BinDirectory)
            .WithEnvironment("HOME", nodeDirectory)
            // The WAL receiver inherits the postmaster's environment and finds the replication
            // password here, since repmgr writes primary_conninfo without one.
            .WithEnvironment("PGPASSFILE", Path.Combine(nodeDirectory, ".pgpass"))
            .WithEnvironment("POSTGRES_PASSWORD", postgresPassword)
            .WithEnvironment("REPLICATION_PASSWORD", replicationPassword);
    }

    private static void RenderNodeConfiguration(
        IDistributedApplicationBuilder builder, ServerAccount account, string nodeDirectory, int id, int port,
        PgBouncerTarget pgBouncer)
    {
        account.CreatePrivateDirectory(nodeDirectory);

        var values = new Dictionary<string, string>
        {
            ["node_id"] = id.ToString(CultureInfo.InvariantCulture),
            ["node_name"] = NodeName(id),
            ["host"] = "127.0.0.1",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["listen_addresses"] = "127.0.0.1",
            ["client_network"] = "127.0.0.1/32",
            ["data_directory"] = Path.Combine(nodeDirectory, "data"),
            ["hba_file"] = Path.Combine(nodeDirectory, "pg_hba.conf"),
            ["socket_directory"] = nodeDirectory,
            ["bin_directory"] = BinDirectory,
            ["config_file"] = Path.Combine(nodeDirectory, "repmgr.conf"),
            ["service_command"] = Path.Combine(builder.AppHostDirectory, "Postgres", "service-command.sh"),
            ["repoint_command"] = pgBouncer.RepointCommand,
        };

        foreach (var file in new[] { "postgresql.conf", "pg_hba.conf", "repmgr.conf" })
        {
            var target = Path.Combine(nodeDirectory, file);
            if (ConfigTemplate.RenderOnce(Path.Combine(builder.AppHostDirectory, "Postgres", file), target, values))
            {
                account.GiveOwnership(target);
            }
        }
    }
}
