using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LuckyGas.AppHost.Redis;

/// <summary>Checks that one data node replies to PING, and reports its role.</summary>
/// <param name="port">The node's port on 127.0.0.1.</param>
/// <param name="password">The cluster password.</param>
internal sealed class RedisNodeHealthCheck(int port, ParameterResource password) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var role = await RedisProbe.QueryRoleAsync(port, await password.GetValueAsync(cancellationToken));
            return HealthCheckResult.Healthy(RedisProbe.Describe(role));
        }
        catch (Exception exception) when (RedisProbe.IsProbeFailure(exception))
        {
            return HealthCheckResult.Unhealthy($"PING to port {port} failed.", exception);
        }
    }
}

/// <summary>
/// Checks with SENTINEL CKQUORUM that a sentinel's current view can reach the quorum and the
/// majority that a failover of <see cref="RedisCluster.ServiceName"/> needs.
/// </summary>
/// <param name="port">The sentinel's port on 127.0.0.1.</param>
/// <param name="password">The cluster password.</param>
internal sealed class RedisSentinelHealthCheck(int port, ParameterResource password) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await RedisProbe.ConnectSentinelAsync(port, await password.GetValueAsync(cancellationToken));
            var server = connection.GetServer(IPAddress.Loopback, port);

            // The reply reads like "OK 3 usable Sentinels. Quorum and failover authorization can
            // be reached". A sentinel that cannot reach them replies with a NOQUORUM error.
            var reply = await server.ExecuteAsync("SENTINEL", "CKQUORUM", RedisCluster.ServiceName);
            return HealthCheckResult.Healthy(reply.ToString());
        }
        catch (RedisServerException exception)
        {
            return HealthCheckResult.Unhealthy(exception.Message, exception);
        }
        catch (Exception exception) when (RedisProbe.IsProbeFailure(exception))
        {
            return HealthCheckResult.Unhealthy($"The sentinel on port {port} did not respond.", exception);
        }
    }
}

/// <summary>
/// Checks that every sentinel names the same master and that this master replies to PING with the
/// master role.
/// </summary>
/// <param name="nodes">Every data node's name and port.</param>
/// <param name="sentinels">Every sentinel's name and port.</param>
/// <param name="password">The cluster password.</param>
internal sealed class RedisClusterHealthCheck(
    IReadOnlyList<(string Name, int Port)> nodes,
    IReadOnlyList<(string Name, int Port)> sentinels,
    ParameterResource password) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var secret = await password.GetValueAsync(cancellationToken);
        var masters = await Task.WhenAll(sentinels.Select(sentinel => QueryMasterAsync(sentinel.Port, secret)));

        var data = new Dictionary<string, object>();
        for (var index = 0; index < sentinels.Count; index++)
        {
            data[sentinels[index].Name] = masters[index]?.ToString() ?? "no master address";
        }

        var sentinelsWithoutMaster = sentinels.Zip(masters).Where(pair => pair.Second is null).Select(pair => pair.First.Name).ToList();
        if (sentinelsWithoutMaster.Count > 0)
        {
            return HealthCheckResult.Unhealthy(
                $"No master address was returned by {string.Join(", ", sentinelsWithoutMaster)}.", data: data);
        }

        var addresses = masters.Select(master => master!.ToString()).Distinct().ToList();
        if (addresses.Count > 1)
        {
            return HealthCheckResult.Unhealthy(
                $"The sentinels name different masters: {string.Join(", ", addresses)}.", data: data);
        }

        // Only a node of this cluster is probed, so the check never connects outside loopback.
        var address = masters[0]!;
        var master = nodes.FirstOrDefault(node => address.Address.Equals(IPAddress.Loopback) && address.Port == node.Port);
        if (master.Name is null)
        {
            return HealthCheckResult.Unhealthy(
                $"The sentinels name {address} as the master, which is not a node of this cluster.", data: data);
        }

        try
        {
            var role = await RedisProbe.QueryRoleAsync(master.Port, secret);
            data[master.Name] = RedisProbe.Describe(role);
            return role is Role.Master masterRole
                ? HealthCheckResult.Healthy(
                    $"{master.Name} is the master with {masterRole.Replicas.Count} connected replicas.", data)
                : HealthCheckResult.Unhealthy(
                    $"The sentinels name {master.Name} as the master, but its role is {role.Value}.", data: data);
        }
        catch (Exception exception) when (RedisProbe.IsProbeFailure(exception))
        {
            return HealthCheckResult.Unhealthy(
                $"PING to {master.Name}, which the sentinels name as the master, failed.", exception, data);
        }
    }

    private static async Task<IPEndPoint?> QueryMasterAsync(int port, string? password)
    {
        try
        {
            await using var connection = await RedisProbe.ConnectSentinelAsync(port, password);
            var server = connection.GetServer(IPAddress.Loopback, port);
            return await server.SentinelGetMasterAddressByNameAsync(RedisCluster.ServiceName) as IPEndPoint;
        }
        catch (Exception exception) when (RedisProbe.IsProbeFailure(exception))
        {
            return null;
        }
    }
}

/// <summary>Short-lived StackExchange.Redis connections for health checks.</summary>
internal static class RedisProbe
{
    // Aspire repeats a failing check every 1 to 5 s, so a probe gives up after 2 s rather than piling up.
    private const int TimeoutMilliseconds = 2000;

    /// <summary>Whether an exception means that the server did not respond or rejected the probe.</summary>
    public static bool IsProbeFailure(Exception exception) =>
        exception is RedisException or TimeoutException or OperationCanceledException;

    /// <summary>Connects to a data node, sends PING and returns the node's reply to ROLE.</summary>
    public static async Task<Role> QueryRoleAsync(int port, string? password)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(CreateOptions(port, password));
        var server = connection.GetServer(IPAddress.Loopback, port);
        await server.PingAsync();
        return await server.RoleAsync();
    }

    /// <summary>Opens a connection to a sentinel, with the command set that sentinels accept.</summary>
    public static async Task<ConnectionMultiplexer> ConnectSentinelAsync(int port, string? password)
    {
        var options = CreateOptions(port, password);
        options.CommandMap = CommandMap.Sentinel;
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Describes a node's role for the dashboard, such as "replica of 127.0.0.1:20001 (connected)".</summary>
    public static string Describe(Role role) => role switch
    {
        Role.Master master => $"master with {master.Replicas.Count} connected replicas",
        Role.Replica replica => $"replica of {replica.MasterIp}:{replica.MasterPort} ({replica.State})",
        _ => role.Value,
    };

    private static ConfigurationOptions CreateOptions(int port, string? password)
    {
        // AbortOnConnectFail makes a server that is down fail the probe at once, instead of
        // returning a multiplexer that keeps reconnecting in the background.
        var options = new ConfigurationOptions
        {
            Password = password,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = TimeoutMilliseconds,
            SyncTimeout = TimeoutMilliseconds,
            AsyncTimeout = TimeoutMilliseconds,
            ClientName = "luckygas-apphost-health",
        };
        options.EndPoints.Add(IPAddress.Loopback, port);
        return options;
    }
}
