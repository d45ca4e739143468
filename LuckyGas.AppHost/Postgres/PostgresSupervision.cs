using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Postgres;

/// <summary>How the supervisor restarts the PostgreSQL nodes.</summary>
public static class PostgresSupervision
{
    /// <summary>
    /// The wait before a crashed node is restarted. It is longer than repmgrd needs to confirm a dead
    /// primary and promote a standby, about 3 s with the settings in repmgr.conf, so a crashed primary
    /// comes back after the failover and rejoins as a standby instead of racing the promotion.
    /// </summary>
    public static readonly TimeSpan NodeRestartDelay = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Restarts a crashed node after <see cref="NodeRestartDelay"/> and then its repmgrd, so that repmgrd
    /// monitors the node in the role it came back in.
    /// </summary>
    public static SupervisorOptions RestartPostgresNodesAfterFailover(this SupervisorOptions options, PostgresCluster cluster)
    {
        foreach (var node in cluster.Nodes)
        {
            options.RestartAfter(node.Name, NodeRestartDelay)
                .RestartWith(node.Name, node.Repmgrd.Resource.Name);
        }

        return options;
    }
}
