using System.Globalization;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Redis;

/// <summary>
/// Adds the Redis cluster, two data nodes and three sentinels: host processes in run mode,
/// containers in publish mode.
/// </summary>
public static class RedisClusterExtensions
{
    /// <summary>
    /// Adds two Redis 7.0 data nodes with replication, three sentinels that fail the master over,
    /// and a <c>redis</c> group resource that is healthy while every sentinel names the same
    /// master and that master replies to PING with the master role.
    /// </summary>
    /// <remarks>
    /// <c>redis-1</c> is the master on the first start and <c>redis-2</c> its replica. On later
    /// starts each node and sentinel keeps what Sentinel wrote into its configuration, so the
    /// nodes are named for the node, not the role. In publish mode they are containers instead
    /// (<see cref="RedisContainers"/>).
    /// </remarks>
    public static RedisCluster AddRedisCluster(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports)
    {
        var password = builder.AddGeneratedSecret("redis-password");
        var group = builder.AddResourceGroup("redis", "RedisCluster", "redis-cluster");

        var nodeIds = new[] { 1, 2 };
        var sentinelIds = new[] { 1, 2, 3 };
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedisContainers(group, password, nodeIds, sentinelIds);
        }

        var nodePorts = nodeIds.ToDictionary(id => id, id => ports.GetPort(NodeName(id)));
        var sentinelPorts = sentinelIds.ToDictionary(id => id, id => ports.GetPort(SentinelName(id)));

        var nodes = new List<RedisInstance>();
        foreach (var id in nodeIds)
        {
            var name = NodeName(id);
            var directory = CreatePrivateDirectory(state.Combine(name));
            var port = nodePorts[id];

            // redis-2 replicates from redis-1 until Sentinel, which rewrites this line, decides otherwise.
            var replication = id == 1
                ? "# redis-1 is the master on the first start."
                : $"replicaof 127.0.0.1 {nodePorts[1].ToString(CultureInfo.InvariantCulture)}";
            var values = new Dictionary<string, string>
            {
                ["port"] = port.ToString(CultureInfo.InvariantCulture),
                ["bind"] = "127.0.0.1",
                ["announce_ip"] = "127.0.0.1",
                ["directory"] = directory,
                ["replication"] = replication,
            };
            var configFile = Path.Combine(directory, "redis.conf");
            builder.RenderWithPasswordOnce("redis.conf", configFile, values, password);

            var server = builder.AddExecutable(name, "/usr/bin/redis-server", directory, configFile)
                .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
                .WithHealthCheck(name)
                .WithParentRelationship(group);

            builder.Services.AddHealthChecks().Add(new(name,
                _ => new RedisNodeHealthCheck(port, password.Resource), failureStatus: null, tags: null));
            nodes.Add(new RedisInstance(id, server, port));
        }

        // The sentinels do not wait for the data nodes, and the nodes do not wait for them, because
        // each side reconnects on its own. A sentinel that waited for redis-1 would never start once
        // a failover had left redis-1 down, which is when the sentinels are needed most.
        var sentinels = new List<RedisInstance>();
        foreach (var id in sentinelIds)
        {
            var name = SentinelName(id);
            var directory = CreatePrivateDirectory(state.Combine(name));
            var port = sentinelPorts[id];

            var values = new Dictionary<string, string>
            {
                ["port"] = port.ToString(CultureInfo.InvariantCulture),
                ["bind"] = "127.0.0.1",
                ["announce_ip"] = "127.0.0.1",
                ["resolve_hostnames"] = "no",
                ["directory"] = directory,
                ["service_name"] = RedisCluster.ServiceName,
                ["master_host"] = "127.0.0.1",
                ["master_port"] = nodePorts[1].ToString(CultureInfo.InvariantCulture),
            };
            var configFile = Path.Combine(directory, "sentinel.conf");
            builder.RenderWithPasswordOnce("sentinel.conf", configFile, values, password);

            var sentinel = builder.AddExecutable(name, "/usr/bin/redis-sentinel", directory, configFile)
                .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
                .WithHealthCheck(name)
                .WithParentRelationship(group);

            builder.Services.AddHealthChecks().Add(new(name,
                _ => new RedisSentinelHealthCheck(port, password.Resource), failureStatus: null, tags: null));
            sentinels.Add(new RedisInstance(id, sentinel, port));
        }

        builder.Services.AddHealthChecks().Add(new("redis-cluster",
            _ => new RedisClusterHealthCheck(
                nodes.Select(node => (node.Name, node.Port)).ToList(),
                sentinels.Select(sentinel => (sentinel.Name, sentinel.Port)).ToList(),
                password.Resource),
            failureStatus: null, tags: null));

        var cluster = new RedisCluster(group, nodes, sentinels, password);
        group.WithFailoverCommand(cluster);
        return cluster;
    }

    internal static string NodeName(int id) => $"redis-{id}";

    internal static string SentinelName(int id) => $"sentinel-{id}";

    private static string CreatePrivateDirectory(string path)
    {
        // Sentinel and CONFIG REWRITE leave a rewritten file readable by all (mode 0644 under umask
        // 022), so this folder, mode 0700, keeps the password in it private.
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>
    /// Renders a template from the Redis folder with the cluster password, on the first start only.
    /// </summary>
    /// <remarks>
    /// The password is resolved just before the resources start, so that it stays in the user
    /// secrets and is never part of the AppHost's model. The file is written with mode 0600.
    /// </remarks>
    private static void RenderWithPasswordOnce(
        this IDistributedApplicationBuilder builder, string template, string configFile,
        Dictionary<string, string> values, IResourceBuilder<ParameterResource> password)
    {
        var templatePath = Path.Combine(builder.AppHostDirectory, "Redis", template);
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            if (File.Exists(configFile))
            {
                return;
            }

            values["password"] = await password.Resource.GetValueAsync(cancellationToken)
                ?? throw new DistributedApplicationException($"The parameter '{password.Resource.Name}' has no value.");
            ConfigTemplate.RenderOnce(templatePath, configFile, values);
        });
    }
}
