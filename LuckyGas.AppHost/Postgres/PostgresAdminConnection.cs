using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Adds the superuser connection that only the migrator gets.</summary>
public static class PostgresAdminConnection
{
    /// <summary>The connection string name, which the migrator reads.</summary>
    public const string Name = "luckygas-admin";

    /// <summary>
    /// Adds <c>luckygas-admin</c>: the <c>postgres</c> superuser, directly to whichever node is the
    /// primary, in the application database.
    /// </summary>
    /// <remarks>
    /// The migrator uses it for one step only: handing the audit log to a role that cannot log in,
    /// so that the application role may append to it but not change it. Changing an owner to a
    /// role the caller is not a member of takes a superuser. The API instances never get it.
    /// </remarks>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresAdminConnectionString(
        this IDistributedApplicationBuilder builder, PostgresCluster cluster)
    {
        var hosts = PostgresConnectionStrings.NodeHosts(builder, cluster);
        var password = cluster.PostgresPassword.Resource;
        return builder.AddDataConnectionString(Name, ReferenceExpression.Create(
            $"Host={hosts};Database={PostgresCluster.DatabaseName};Username=postgres;Password={password};Target Session Attributes=primary"));
    }
}
