using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Postgres;

namespace LuckyGas.AppHost.PgBouncer;

/// <summary>Adds pgBouncer as a container for publish mode.</summary>
public static class PgBouncerContainer
{
    /// <summary>The port pgBouncer listens on inside its container.</summary>
    public const int ContainerPort = 6432;

    /// <summary>
    /// Adds a <c>pgbouncer</c> container built from <c>PgBouncer/Dockerfile</c>, pointed at the
    /// first primary and rendered from the same pgbouncer.ini template as run mode.
    /// </summary>
    internal static IResourceBuilder<ContainerResource> AddPgBouncerContainer(
        this IDistributedApplicationBuilder builder, string name, PostgresCluster cluster)
    {
        var primary = cluster.Nodes[0].Server.GetEndpoint("tcp");
        return builder.AddComponentContainer(name, "PgBouncer")
            .WithEndpoint(targetPort: ContainerPort, scheme: "tcp", name: "tcp")
            .WithEnvironment("PRIMARY_HOST", primary.Property(EndpointProperty.Host))
            .WithEnvironment("PRIMARY_PORT", primary.Property(EndpointProperty.Port))
            .WithEnvironment("APP_PASSWORD", cluster.AppPassword)
            .WithEnvironment("POSTGRES_PASSWORD", cluster.PostgresPassword)
            .WithParentRelationship(cluster.Group)
            .ExcludeWhenManaged();
    }
}
