namespace LuckyGas.AppHost.Postgres;

/// <summary>The resources of the PostgreSQL cluster, as the rest of the topology needs them.</summary>
/// <param name="Group">The group resource, healthy while a primary has a streaming standby.</param>
/// <param name="Nodes">The nodes, in node id order; <c>postgres-1</c> is the first primary.</param>
/// <param name="PostgresPassword">The password of the <c>postgres</c> superuser.</param>
/// <param name="AppPassword">The password of the <c>luckygas</c> role that owns the database.</param>
public sealed record PostgresCluster(
    IResourceBuilder<Hosting.ResourceGroup> Group,
    IReadOnlyList<PostgresNode> Nodes,
    IResourceBuilder<ParameterResource> PostgresPassword,
    IResourceBuilder<ParameterResource> AppPassword)
{
    /// <summary>The database the platform's applications use.</summary>
    public const string DatabaseName = "luckygas";

    /// <summary>The role that owns <see cref="DatabaseName"/>.</summary>
    public const string AppRole = "luckygas";
}

/// <summary>One PostgreSQL node and its repmgrd.</summary>
/// <param name="Id">The repmgr node id, from 1.</param>
/// <param name="Server">The PostgreSQL server resource.</param>
/// <param name="Repmgrd">The node's repmgrd resource.</param>
/// <param name="Port">The port the server listens on, on 127.0.0.1.</param>
/// <param name="Directory">The node's state folder, with <c>repmgr.conf</c>, <c>.pgpass</c> and <c>data</c>.</param>
public sealed record PostgresNode(
    int Id, IResourceBuilder<ExecutableResource> Server, IResourceBuilder<ExecutableResource> Repmgrd, int Port,
    string Directory)
{
    /// <summary>The resource name, such as <c>postgres-1</c>.</summary>
    public string Name => Server.Resource.Name;

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
