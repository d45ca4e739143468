using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Redis;

/// <summary>How the supervisor restarts the Redis data nodes.</summary>
public static class RedisSupervision
{
    /// <summary>
    /// The wait before a crashed data node is restarted. It is longer than Sentinel needs to mark a dead
    /// master down (2 s) and promote the replica (about 1.3 s more), so a crashed master comes back after
    /// the failover. Restarted sooner, it would run as the master again with its old data before the
    /// sentinels agreed that it was down. It would then take writes and lose them when Sentinel demotes it.
    /// </summary>
    public static readonly TimeSpan NodeRestartDelay = TimeSpan.FromSeconds(10);

    /// <summary>Restarts a crashed Redis data node after <see cref="NodeRestartDelay"/>.</summary>
    public static SupervisorOptions RestartRedisNodesAfterFailover(this SupervisorOptions options, RedisCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            options.RestartAfter(node.Name, NodeRestartDelay);
        }

        return options;
    }
}
