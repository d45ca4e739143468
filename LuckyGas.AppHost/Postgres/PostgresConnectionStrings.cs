using System.Globalization;
using LuckyGas.AppHost.Hosting;

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
    /// In run mode ports are written as numbers rather than endpoint references. A connection
    /// string that references a node waits for that node to start, and a fenced former primary
    /// never starts until it is rejoined, which must not keep the applications down.
    /// With <see cref="ManagedDataServices"/> the three are parameters that the operator supplies.
    /// </remarks>
    public static PostgresConnections AddPostgresConnectionStrings(
            this IDistributedApplicationBuilder builder, PostgresCluster cluster, IResourceBuilder<IResourceWithEndpoints> pgBouncer)
    {
        var pgBouncerAddress = builder.ExecutionContext.IsPublishMode
            ? HostAndPort(pgBouncer, ";Port=")
            : Loopback(FixedPort(pgBouncer), ";Port=");
        var password = cluster.AppPassword.Resource;
        var database = PostgresCluster.DatabaseName;
        var role = PostgresCluster.AppRole;

        // Transaction pooling hands each transaction to any server connection, so the client
        // must not reset or prepare per session (Npgsql does not auto-prepare by default).
        var write = builder.AddDataConnectionString("luckygas-write", ReferenceExpression.Create(
            $"Host={pgBouncerAddress};Database={database};Username={role};Password={password};No Reset On Close=true"));

        // Standbys first; Npgsql balances across the hosts that are standbys and uses the
        // primary only when no standby responds. The list covers every node because roles move.
        var hosts = NodeHosts(builder, cluster);
        var read = builder.AddDataConnectionString("luckygas-read", ReferenceExpression.Create(
            $"Host={hosts};Database={database};Username={role};Password={password};Target Session Attributes=prefer-standby;Load Balance Hosts=true"));

        // Migrations take a session-level advisory lock, which transaction pooling would not keep,
        // so the migrator connects to the primary directly.
        var migrations = builder.AddDataConnectionString("luckygas-migrations", ReferenceExpression.Create(
            $"Host={hosts};Database={database};Username={role};Password={password};Target Session Attributes=primary"));

        return new PostgresConnections(write, read, migrations);
    }

    /// <summary>
    /// Returns the comma-separated <c>host:port</c> list of every node, for an Npgsql
    /// <c>Host</c> setting: loopback ports in run mode, endpoint references in publish mode.
    /// </summary>
    internal static ReferenceExpression NodeHosts(IDistributedApplicationBuilder builder, PostgresCluster cluster)
    {
        var addresses = builder.ExecutionContext.IsPublishMode
            ? cluster.Nodes.Select(node => HostAndPort(node.Server, ":")).ToList()
            : cluster.Nodes.Select(node => Loopback(node.Port, ":")).ToList();
        return JoinHosts(addresses);
    }

    private static int FixedPort(IResourceBuilder<IResourceWithEndpoints> server)
    {
        return server.Resource.Annotations.OfType<EndpointAnnotation>().Single().Port
            ?? throw new InvalidOperationException($"{server.Resource.Name} has no fixed port.");
    }

    // The separator is ":" inside a host list and ";Port=" for a single host.
    private static ReferenceExpression Loopback(int port, string separator) =>
        ReferenceExpression.Create($"127.0.0.1{separator}{Format(port)}");

    // In publish mode the containers' host names and ports are known only at deployment, so
    // they are written as endpoint references that the deployment tool resolves.
    private static ReferenceExpression HostAndPort(IResourceBuilder<IResourceWithEndpoints> server, string separator)
    {
        var endpoint = server.GetEndpoint("tcp");
        return ReferenceExpression.Create(
            $"{endpoint.Property(EndpointProperty.Host)}{separator}{endpoint.Property(EndpointProperty.Port)}");
    }

    private static ReferenceExpression JoinHosts(List<ReferenceExpression> addresses)
    {
        var builder = new ReferenceExpressionBuilder();
        for (var index = 0; index < addresses.Count; index++)
        {
            builder.Append($"{(index == 0 ? "" : ",")}{addresses[index]}");
        }

        return builder.Build();
    }

    private static string Format(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The connection strings of the cluster.</summary>
/// <param name="Write">Through pgBouncer to the primary.</param>
/// <param name="Read">To the standbys, with the primary as fallback.</param>
/// <param name="Migrations">Directly to the primary, for the migrator.</param>
public sealed record PostgresConnections(
    IResourceBuilder<IResourceWithConnectionString> Write,
    IResourceBuilder<IResourceWithConnectionString> Read,
    IResourceBuilder<IResourceWithConnectionString> Migrations);
