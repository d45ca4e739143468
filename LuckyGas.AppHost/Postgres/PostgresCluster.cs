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
/// <param name="RunModeRepmgrd">
/// The node's repmgrd resource in run mode, or null in publish mode, where repmgrd runs inside
/// the node's container.
/// </param>
/// <param name="RunModeDirectory">
/// The node's state folder in run mode, with <c>repmgr.conf</c>, <c>.pgpass</c> and <c>data</c>,
/// or null in publish mode.
/// </param>
public sealed record PostgresNode(
    int Id, IResourceBuilder<IResourceWithEndpoints> Server, int Port,
    IResourceBuilder<ExecutableResource>? RunModeRepmgrd = null, string? RunModeDirectory = null)
{
    /// <summary>The resource name, such as <c>postgres-1</c>.</summary>
    public string Name => Server.Resource.Name;

    /// <summary>The node's repmgrd resource, which exists only in run mode.</summary>
    public IResourceBuilder<ExecutableResource> Repmgrd =>
        RunModeRepmgrd ?? throw new InvalidOperationException($"{Name} has no repmgrd resource in publish mode.");

    /// <summary>The node's state folder, which exists only in run mode.</summary>
    public string Directory =>
        RunModeDirectory ?? throw new InvalidOperationException($"{Name} has no state folder in publish mode.");

    /// <summary>The path of the node's repmgr configuration file.</summary>
    public string RepmgrConfig => Path.Combine(Directory, "repmgr.conf");

    /// <summary>The environment that repmgr needs to reach every node with the node's password file.</summary>
    public IReadOnlyDictionary<string, string> RepmgrEnvironment => new Dictionary<string, string>
    {
        ["PGPASSFILE"] = Path.Combine(Directory, ".pgpass"),
        ["PGCONNECT_TIMEOUT"] = "2",
        ["NODE_DIR"] = Directory,
        ["HOME"] = Directory,
    };
}

/// <summary>Where the repoint script finds pgBouncer, and the command line that runs it.</summary>
/// <param name="ConfigFile">pgBouncer's rendered <c>pgbouncer.ini</c> in the state folder.</param>
/// <param name="Port">pgBouncer's port on 127.0.0.1, where its admin console listens too.</param>
/// <param name="Script">The path of <c>repoint-pgbouncer.sh</c>.</param>
/// <param name="Nodes">Every node as <c>id:port</c>, separated by commas.</param>
public sealed record PgBouncerTarget(string ConfigFile, int Port, string Script, string Nodes)
{
    /// <summary>The name of the pgBouncer resource.</summary>
    public const string ResourceName = "pgbouncer";

    /// <summary>The script with its fixed arguments; repmgr appends the event's node, type and outcome.</summary>
    public string RepointCommand => $"{Script} {ConfigFile} {Port.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Nodes}";
}
