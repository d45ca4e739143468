using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;

namespace LuckyGas.Tests.Failover;

/// <summary>Reads the Redis cluster's state of one platform through its sentinels and nodes.</summary>
public static class RedisProbes
{
    /// <summary>The names of the Redis data node resources.</summary>
    public static readonly string[] Nodes = ["redis-1", "redis-2"];

    /// <summary>Returns the master port that each sentinel names, or null for a sentinel that does not respond.</summary>
    public static async Task<int?[]> MasterPortsAsync(PlatformInstance platform)
    {
        return await Task.WhenAll(PlatformConnections.Sentinels.Select(async sentinel =>
        {
            try
            {
                var port = platform.PortOf(sentinel);
                await using var connection = await ConnectionMultiplexer.ConnectAsync(platform.RedisDirect(port, sentinel: true));
                var master = await connection.GetServer("127.0.0.1", port).SentinelGetMasterAddressByNameAsync("luckygas");
                return (master as IPEndPoint)?.Port;
            }
            catch (RedisException)
            {
                return null;
            }
        }));
    }

    /// <summary>Returns the master port that every sentinel names, or null while they disagree.</summary>
    public static async Task<int?> AgreedMasterPortAsync(PlatformInstance platform)
    {
        var ports = await MasterPortsAsync(platform);
        return ports.Distinct().Count() == 1 ? ports[0] : null;
    }

    /// <summary>Returns the resource name of the data node that listens on <paramref name="port"/>.</summary>
    public static string NodeOf(PlatformInstance platform, int port) => Nodes.Single(node => platform.PortOf(node) == port);

    /// <summary>
    /// Returns whether every sentinel lists a healthy replica, which a failover needs: sentinels learn
    /// of replicas from INFO every 10 s, so right after a start or a failover they may know none.
    /// </summary>
    public static async Task<bool> EverySentinelKnowsReplicaAsync(PlatformInstance platform)
    {
        foreach (var sentinel in PlatformConnections.Sentinels)
        {
            try
            {
                var port = platform.PortOf(sentinel);
                await using var connection = await ConnectionMultiplexer.ConnectAsync(platform.RedisDirect(port, sentinel: true));
                var replicas = await connection.GetServer("127.0.0.1", port).SentinelReplicasAsync("luckygas");
                var healthy = replicas.Any(replica => replica.Any(pair => pair.Key == "flags" && pair.Value == "slave")
                    && replica.Any(pair => pair.Key == "master-link-status" && pair.Value == "ok"));
                if (!healthy)
                {
                    return false;
                }
            }
            catch (RedisException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the ROLE of a node and, for a replica, whether its link to the master is up.</summary>
    public static async Task<(string Role, bool LinkUp)> RoleAsync(PlatformInstance platform, string node)
    {
        try
        {
            var port = platform.PortOf(node);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(platform.RedisDirect(port));
            var role = await connection.GetServer("127.0.0.1", port).RoleAsync();
            return role switch
            {
                Role.Replica replica => ("slave", replica.State == "connected"),
                _ => (role.Value, false),
            };
        }
        catch (RedisException)
        {
            return ("down", false);
        }
    }
}

/// <summary>
/// Writes numbered keys to Redis through the sentinels, as the API finds the master, and records
/// which writes the master acknowledged and when.
/// </summary>
public sealed class RedisWriter(ConfigurationOptions options)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The keys whose SET was acknowledged, with the time of the acknowledgement.</summary>
    public ConcurrentQueue<(string Key, TimeSpan At)> Acknowledged { get; } = new();

    /// <summary>The time since the writer started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>A prefix shared by every key of this writer.</summary>
    public string Prefix { get; } = $"failover-probe:{Guid.NewGuid():N}:";

    /// <summary>Writes until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        options.AbortOnConnectFail = false;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var key = Prefix + sequence;
            try
            {
                if (await connection.GetDatabase().StringSetAsync(key, "1", TimeSpan.FromHours(1)))
                {
                    Acknowledged.Enqueue((key, _clock.Elapsed));
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // The master is down or changing; the outage shows as the gap between acknowledged writes.
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Returns the gap between the last acknowledged write before <paramref name="faultAt"/> and the first after it.</summary>
    public TimeSpan? OutageAround(TimeSpan faultAt)
    {
        var before = Acknowledged.Where(write => write.At <= faultAt).Select(write => write.At).DefaultIfEmpty(TimeSpan.Zero).Max();
        var after = Acknowledged.Where(write => write.At > faultAt).Select(write => write.At).ToList();
        return after.Count == 0 ? null : after.Min() - before;
    }
}
