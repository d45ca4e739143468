using System.Globalization;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Adds the connection strings that applications use to reach the cluster.</summary>
public static class PostgresConnectionStrings
{
    /// <summary>
    /// Adds <c>luckygas-write</c>, through pgBouncer to the primary, and <c>luckygas-read</c>,
    /// to the standbys with the primary as fallback.
    /// </summary>
    /// <remarks>
    /// Ports are written as numbers rather than endpoint references: a connection string that
    /// references a node waits for that node to start, and a fenced former primary never starts
    /// until it is rejoined, which must not keep the applications down.
    /// </remarks>
    public static (IResourceBuilder<ConnectionStringResource> Write, IResourceBuilder<ConnectionStringResource> Read)
        AddPostgresConnectionStrings(
            this IDistributedApplicationBuilder builder, PostgresCluster cluster, IResourceBuilder<ExecutableResource> pgBouncer)
    {
        var pgBouncerPort = pgBouncer.Resource.Annotations.OfType<EndpointAnnotation>().Single().Port
            ?? throw new InvalidOperationException("pgBouncer has no fixed port.");
        var password = cluster.AppPassword.Resource;
        var database = PostgresCluster.DatabaseName;
        var role = PostgresCluster.AppRole;

        // Transaction pooling hands each transaction to any server connection, so the client
        // must not reset or prepare per session (Npgsql does not auto-prepare by default).
        var write = builder.AddConnectionString("luckygas-write", ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={Format(pgBouncerPort)};Database={database};Username={role};Password={password};No Reset On Close=true"));

        // Standbys first; Npgsql balances across the hosts that are standbys and uses the
        // primary only when no standby responds. The list covers every node because roles move.
        var hosts = string.Join(',', cluster.Nodes.Select(node => $"127.0.0.1:{Format(node.Port)}"));
        var read = builder.AddConnectionString("luckygas-read", ReferenceExpression.Create(
            $"Host={hosts};Database={database};Username={role};Password={password};Target Session Attributes=prefer-standby;Load Balance Hosts=true"));

        return (write, read);
    }

    private static string Format(int port) => port.ToString(CultureInfo.InvariantCulture);
}
