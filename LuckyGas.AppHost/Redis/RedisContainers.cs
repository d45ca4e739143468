using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Redis;

/// <summary>Adds the Redis cluster as containers for publish mode.</summary>
public static class RedisContainers
{
    /// <summary>The port of a data node inside its container.</summary>
    public const int NodePort = 6379;

    /// <summary>The port of a sentinel inside its container.</summary>
    public const int SentinelPort = 26379;

    private const string StartScript = "/usr/local/lib/luckygas/container-start.sh";

    /// <summary>
    /// Adds the data nodes through Aspire.Hosting.Redis's <c>AddRedis</c> and the sentinels as
    /// plain containers, all built from <c>Redis/Dockerfile</c> with the run-mode templates and a
    /// volume each for the files that Sentinel rewrites. With <see cref="ManagedDataServices"/>
    /// they and the password are left out of the manifest.
    /// </summary>
    internal static RedisCluster AddRedisContainers(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ResourceGroup> group,
        IResourceBuilder<ParameterResource> password, IReadOnlyList<int> nodeIds, IReadOnlyList<int> sentinelIds)
    {
        password.ExcludeWhenManaged();
        var servers = nodeIds.ToDictionary(id => id, id => builder.AddRedis(RedisClusterExtensions.NodeName(id), port: null, password));
        var firstMaster = servers[nodeIds[0]].Resource.PrimaryEndpoint;

        var nodes = new List<RedisInstance>();
        foreach (var (id, server) in servers)
        {
            server
                .WithComponentDockerfile("Redis")
                .WithStartScript("sh", StartScript, "server")
                .WithVolume($"{server.Resource.Name}-data", "/data")
                .WithEnvironment("IS_FIRST_MASTER", id == nodeIds[0] ? "true" : "false")
                .WithMasterAndHost(firstMaster, password)
                .WithParentRelationship(group)
                .ExcludeWhenManaged();
            nodes.Add(new RedisInstance(id, server, NodePort));
        }

        var sentinels = new List<RedisInstance>();
        foreach (var id in sentinelIds)
        {
            var name = RedisClusterExtensions.SentinelName(id);
            var sentinel = builder.AddComponentContainer(name, "Redis")
                .WithStartScript("sh", StartScript, "sentinel")
                .WithEndpoint(targetPort: SentinelPort, scheme: "tcp", name: "tcp")
                .WithVolume($"{name}-data", "/data")
                .WithMasterAndHost(firstMaster, password)
                .WithParentRelationship(group)
                .ExcludeWhenManaged();
            sentinels.Add(new RedisInstance(id, sentinel, SentinelPort));
        }

        return new RedisCluster(group, nodes, sentinels, password);
    }

    private static IResourceBuilder<T> WithMasterAndHost<T>(
        this IResourceBuilder<T> builder, EndpointReference firstMaster, IResourceBuilder<ParameterResource> password)
        where T : ContainerResource
    {
        return builder
            .WithEnvironment("NODE_HOST", builder.GetEndpoint("tcp").Property(EndpointProperty.Host))
            .WithEnvironment("MASTER_HOST", firstMaster.Property(EndpointProperty.Host))
            .WithEnvironment("MASTER_PORT", firstMaster.Property(EndpointProperty.Port))
            .WithEnvironment("REDIS_PASSWORD", password);
    }
}
