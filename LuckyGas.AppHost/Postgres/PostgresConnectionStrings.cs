using System.Globalization;

namespace LuckyGas.AppHost.Postgres;

/// <summary>Adds the connection strings that applications use to reach the cluster.</summary>
public static class PostgresConnectionStrings
{
    /// <summary>
    /// Adds <c>luckygas-write</c>, through pgBouncer to the primary, <c>luckygas-read</c>, to the
    /// standbys with the primary as fallback, and <c>luckygas-migrations</c>, directly to whichever
    /// node is the primary.
    /// </summary>
    /// <remarks>
    /// Ports are written as numbers rather than endpoint references: a connection string that
    /// references a node waits for that node to start, and a fenced former primary never starts
    /// until it is rejoined, which must not keep the applications down.
    /// </remarks>
    public static PostgresConnections AddPostgresConnectionStrings(
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

        // Migrations take a session-level advisory lock, which transaction pooling would not keep,
        // so the migrator connects to the primary directly.
        var migrations = builder.AddConnectionString("luckygas-migrations", ReferenceExpression.Create(
            $"Host={hosts};Database={database};Username={role};Password={password};Target Session Attributes=primary"));

        return new PostgresConnections(write, read, migrations);
    }

    private static string Format(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The connection strings of the cluster.</summary>
/// <param name="Write">Through pgBouncer to the primary.</param>
/// <param name="Read">To the standbys, with the primary as fallback.</param>
/// <param name="Migrations">Directly to the primary, for the migrator.</param>
public sealed record PostgresConnections(
    IResourceBuilder<ConnectionStringResource> Write,
    IResourceBuilder<ConnectionStringResource> Read,
    IResourceBuilder<ConnectionStringResource> Migrations);
