using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using LuckyGas.Api.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Reports each Redis data node the shared connection is connected to: its role and memory used against
/// <c>maxmemory</c>. Degraded above 90% of the limit; Unhealthy and critical when no master responds.
/// </summary>
/// <remarks>
/// StackExchange.Redis treats INFO as an admin command, so the check sends it over its own
/// connection to each node, opened with <c>allowAdmin</c> and the password of the shared one.
/// </remarks>
internal sealed class RedisNodesCheck(IConnectionMultiplexer multiplexer, IConfiguration configuration)
    : IDependencyCheck, IAsyncDisposable
{
    private const double NearLimitFraction = 0.9;

    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _adminConnections = new(StringComparer.Ordinal);

    public string Name => "redis";

    public string Kind => "redis";

    public bool IsCritical => true;

    public async Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken)
    {
        var servers = multiplexer.GetServers();
        var entries = await Task.WhenAll(servers.Select(server => DescribeAsync(server, AdminServerAsync(server.EndPoint), cancellationToken)));
        var result = entries.ToList();
        if (!result.Any(entry => Equals(entry.Data.GetValueOrDefault("role"), "master") && entry.Status != HealthStatus.Unhealthy))
        {
            result.Add(HealthEntry.Create("redis master", "redis-master", HealthStatus.Unhealthy,
                "No Redis master responds, so caches, limits and blocks fall back to local behaviour.", isCritical: true));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _adminConnections.Values.Where(lazy => lazy.IsValueCreated))
        {
            await (await connection.Value).DisposeAsync();
        }
    }

    private async Task<IServer> AdminServerAsync(EndPoint endpoint)
    {
        var key = endpoint.ToString() ?? string.Empty;
        var connection = _adminConnections.GetOrAdd(key, _ => new Lazy<Task<ConnectionMultiplexer>>(() =>
        {
            var shared = ConfigurationOptions.Parse(
                configuration.GetConnectionString(DataAccessExtensions.RedisConnectionName) ?? string.Empty);
            var options = new ConfigurationOptions
            {
                EndPoints = { endpoint },
                Password = shared.Password,
                AllowAdmin = true,
                AbortOnConnectFail = false,
                ConnectTimeout = 2000,
                SyncTimeout = 2000,
                AsyncTimeout = 2000,
            };
            return ConnectionMultiplexer.ConnectAsync(options);
        }));
        return (await connection.Value).GetServer(endpoint);
    }

    private static async Task<HealthEntry> DescribeAsync(IServer shared, Task<IServer> adminServer, CancellationToken cancellationToken)
    {
        var server = await adminServer.WaitAsync(cancellationToken);
        var name = $"redis {server.EndPoint}";
        if (!shared.IsConnected && !server.IsConnected)
        {
            return HealthEntry.Create(name, "redis-node", HealthStatus.Unhealthy, $"Redis {server.EndPoint} is not connected.");
        }

        try
        {
            var info = (await server.InfoAsync("replication").WaitAsync(cancellationToken))
                .Concat(await server.InfoAsync("memory").WaitAsync(cancellationToken))
                .SelectMany(group => group)
                .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            var role = info.GetValueOrDefault("role") ?? "unknown";
            var used = long.Parse(info.GetValueOrDefault("used_memory") ?? "0", CultureInfo.InvariantCulture);
            var max = long.Parse(info.GetValueOrDefault("maxmemory") ?? "0", CultureInfo.InvariantCulture);
            double? fraction = max > 0 ? Math.Round((double)used / max, 4) : null;
            var data = new Dictionary<string, object?>
            {
                ["endpoint"] = server.EndPoint.ToString(),
                ["role"] = role,
                ["usedMemoryBytes"] = used,
                ["maxMemoryBytes"] = max,
                ["memoryUsedFraction"] = fraction,
            };

            var description = string.Create(CultureInfo.InvariantCulture,
                $"{role}, {used / 1048576.0:F1} MiB used of {(max > 0 ? $"{max / 1048576.0:F0} MiB" : "no limit")}.");
            var status = fraction > NearLimitFraction ? HealthStatus.Degraded : HealthStatus.Healthy;
            return new HealthEntry(name, role == "master" ? "redis-master" : "redis-replica", status, description, 0, data);
        }
        catch (RedisException exception)
        {
            return HealthEntry.Create(name, "redis-node", HealthStatus.Unhealthy, $"INFO on Redis {server.EndPoint} failed: {exception.Message}");
        }
    }
}
