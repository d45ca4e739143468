using System.Globalization;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Adds the PostgreSQL cluster as containers for publish mode.</summary>
public static class PostgresContainers
{
    /// <summary>The port PostgreSQL listens on inside each node's container.</summary>
    public const int ContainerPort = 5432;

    /// <summary>
    /// Adds three nodes through Aspire.Hosting.PostgreSQL's <c>AddPostgres</c>, each with a data
    /// volume and an image built from <c>Postgres/Dockerfile</c>, which adds repmgr, the run-mode
    /// configuration templates and a start script that runs repmgrd beside the server.
    /// </summary>
    /// <remarks>
    /// <c>postgres-1</c> initializes the cluster on its first start and the other nodes clone from
    /// whichever node is the primary, as in run mode. With <see cref="ManagedDataServices"/> the
    /// nodes and their passwords stay in the model but are left out of the manifest.
    /// </remarks>
    internal static PostgresCluster AddPostgresContainers(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ResourceGroup> group,
        IResourceBuilder<ParameterResource> postgresPassword, IResourceBuilder<ParameterResource> replicationPassword,
        IResourceBuilder<ParameterResource> appPassword, IResourceBuilder<ParameterResource> monitoringPassword,
        IReadOnlyList<int> nodeIds)
    {
        postgresPassword.ExcludeWhenManaged();
        replicationPassword.ExcludeWhenManaged();
        appPassword.ExcludeWhenManaged();
        monitoringPassword.ExcludeWhenManaged();

        var servers = nodeIds.ToDictionary(id => id, id => builder.AddPostgres(PostgresClusterExtensions.NodeName(id), password: postgresPassword));

        var clusterHosts = new ReferenceExpressionBuilder();
        foreach (var server in servers.Values)
        {
            var endpoint = server.Resource.PrimaryEndpoint;
            clusterHosts.Append($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)} ");
        }

        var hosts = clusterHosts.Build();
        var nodes = new List<PostgresNode>();
        foreach (var (id, server) in servers)
        {
            server
                .WithComponentDockerfile("Postgres")
                .WithDataVolume($"{server.Resource.Name}-data")
                .WithEnvironment("NODE_ID", id.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment("NODE_NAME", server.Resource.Name)
                .WithEnvironment("NODE_HOST", server.Resource.PrimaryEndpoint.Property(EndpointProperty.Host))
                .WithEnvironment("CLUSTER_HOSTS", hosts)
                .WithEnvironment("REPLICATION_PASSWORD", replicationPassword)
                .WithEnvironment("APP_PASSWORD", appPassword)
                .WithEnvironment("MONITORING_PASSWORD", monitoringPassword)
                .WithParentRelationship(group)
                .ExcludeWhenManaged();
            nodes.Add(new PostgresNode(id, server, ContainerPort));
        }

        return new PostgresCluster(group, nodes, postgresPassword, appPassword, monitoringPassword);
    }
}
