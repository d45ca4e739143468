using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Redis;

/// <summary>The resources of the Redis cluster, as the rest of the topology needs them.</summary>
/// <param name="Group">
/// The group resource, healthy while every sentinel names the same master and that master replies
/// to PING with the master role.
/// </param>
/// <param name="Nodes">The data nodes, in id order; <c>redis-1</c> is the first master.</param>
/// <param name="Sentinels">The sentinels, in id order.</param>
/// <param name="Password">
/// The password of the data nodes and of the sentinels, so that one password in a client's
/// connection string opens both.
/// </param>
public sealed record RedisCluster(
    IResourceBuilder<ResourceGroup> Group,
    IReadOnlyList<RedisInstance> Nodes,
    IReadOnlyList<RedisInstance> Sentinels,
    IResourceBuilder<ParameterResource> Password)
{
    /// <summary>The master name that the sentinels monitor and clients ask them for.</summary>
    public const string ServiceName = "luckygas";

    /// <summary>
    /// The StackExchange.Redis connection string that lists the sentinels, so that a client asks
    /// them for the current master and follows it through failovers.
    /// </summary>
    /// <remarks>
    /// The ports come from the sentinels' endpoints and the password from the secret parameter,
    /// so the value is resolved when a project starts and no secret is written into the AppHost.
    /// Sentinels run on loopback in run mode; in publish mode their host names and container
    /// ports are endpoint references that the deployment resolves.
    /// </remarks>
    public ReferenceExpression ConnectionString
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            foreach (var sentinel in Sentinels)
            {
                var endpoint = sentinel.Server.GetEndpoint("tcp");
                if (sentinel.Server.Resource is ContainerResource)
                {
                    builder.Append($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)},");
                }
                else
                {
                    builder.Append($"127.0.0.1:{endpoint.Property(EndpointProperty.Port)},");
                }
            }

            builder.Append($"serviceName={ServiceName},password={Password.Resource},abortConnect=false");
            return builder.Build();
        }
    }
}

/// <summary>One Redis data node or sentinel.</summary>
/// <param name="Id">The id, from 1, within the data nodes or within the sentinels.</param>
/// <param name="Server">
/// The <c>redis-server</c> or <c>redis-sentinel</c> resource: a host process in run mode, a
/// container in publish mode.
/// </param>
/// <param name="Port">
/// The port it listens on: on 127.0.0.1 in run mode, inside its container in publish mode.
/// </param>
public sealed record RedisInstance(int Id, IResourceBuilder<IResourceWithEndpoints> Server, int Port)
{
    /// <summary>The resource name, such as <c>redis-1</c> or <c>sentinel-1</c>.</summary>
    public string Name => Server.Resource.Name;
}
