namespace LuckyGas.AppHost.Postgres;

/// <summary>The resources of the PostgreSQL cluster, as the rest of the topology needs them.</summary>
/// <param name="Group">The group resource, healthy while a primary has a streaming standby.</param>
/// <param name="Nodes">The nodes, in node id order; <c>postgres-1</c> is the first primary.</param>
/// <param name="PostgresPassword">The password of the <c>postgres</c> superuser.</param>
/// <param name="AppPassword">The password of the <c>luckygas</c> role that owns the database.</param>
/// <param name="MonitoringPassword">
/// The password of the <see cref="MonitoringRole"/> role, which the exporters sign in with.
/// </param>
public sealed record PostgresCluster(
    IResourceBuilder<Hosting.ResourceGroup> Group,
    IReadOnlyList<PostgresNode> Nodes,
    IResourceBuilder<ParameterResource> PostgresPassword,
    IResourceBuilder<ParameterResource> AppPassword,
    IResourceBuilder<ParameterResource> MonitoringPassword)
{
    /// <summary>
    /// The role of postgres_exporter: a member of <c>pg_monitor</c>, with no access to the data.
    /// </summary>
    public const string MonitoringRole = "luckygas_monitor";

    /// <summary>The database the platform's applications use.</summary>
    public const string DatabaseName = "luckygas";

    /// <summary>The role that owns <see cref="DatabaseName"/>.</summary>
    public const string AppRole = "luckygas";
}

/// <summary>One PostgreSQL node and its repmgrd.</summary>
/// <param name="Id">The repmgr node id, from 1.</param>
/// <param name="Server">
/// The PostgreSQL server resource: a host process in run mode, a container in publish mode.
/// </param>
/// <param name="Port">
/// The port the server listens on: on 127.0.0.1 in run mode, inside its container in publish mode.
/// </param>
public sealed record PostgresNode(int Id, IResourceBuilder<IResourceWithEndpoints> Server, int Port)
{
    /// <summary>The resource name, such as <c>postgres-1</c>.</summary>
    public string Name => Server.Resource.Name;
}
