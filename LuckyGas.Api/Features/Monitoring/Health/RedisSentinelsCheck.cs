using System.Globalization;
using System.Net;
using LuckyGas.Api.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Asks every sentinel of the Redis connection string which master it names and whether it can
/// reach a quorum (<c>SENTINEL CKQUORUM</c>). Healthy when all agree and reach it, Degraded when a
/// sentinel is unreachable but the others agree, Unhealthy when the sentinels disagree or none reaches
/// a quorum, because a failover would then not happen.
/// </summary>
internal sealed class RedisSentinelsCheck(IConfiguration configuration) : IDependencyCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _sentinels;

    public string Name => "redis-sentinels";

    public string Kind => "redis-sentinel";

    public bool IsCritical => false;

    public async Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(
            configuration.GetConnectionString(DataAccessExtensions.RedisConnectionName) ?? string.Empty);
        var serviceName = options.ServiceName;
        if (string.IsNullOrEmpty(serviceName) || options.EndPoints.Count == 0)
        {
            return [HealthEntry.Create(Name, Kind, HealthStatus.Healthy, "The Redis connection string names no sentinels.")];
        }

        var sentinels = await ConnectAsync(options, cancellationToken);
        var answers = await Task.WhenAll(options.EndPoints.Select(endpoint =>
            AskAsync(sentinels.GetServer(endpoint), serviceName, cancellationToken)));

        var reachable = answers.Where(answer => answer.Error is null).ToList();
        var masters = reachable.Select(answer => answer.Master).Distinct(StringComparer.Ordinal).ToList();
        var masterAgreed = reachable.Count > 0 && masters.Count == 1 && masters[0] is not null;
        var quorumReached = reachable.Any(answer => answer.QuorumReached);
        var data = new Dictionary<string, object?>
        {
            ["serviceName"] = serviceName,
            ["masterAgreed"] = masterAgreed,
            ["master"] = masterAgreed ? masters[0] : null,
            ["quorumReached"] = quorumReached,
            ["reachableSentinels"] = reachable.Count,
            ["sentinels"] = answers.ToDictionary(answer => answer.Endpoint, answer => (object?)answer),
        };

        var status = !masterAgreed || !quorumReached
            ? HealthStatus.Unhealthy
            : reachable.Count < answers.Length ? HealthStatus.Degraded : HealthStatus.Healthy;
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{reachable.Count} of {answers.Length} sentinels respond; ") + (masterAgreed
                ? $"they agree on master {masters[0]}"
                : $"they name {string.Join(", ", masters.Select(master => master ?? "no master"))}") +
            (quorumReached ? " and reach a quorum." : " and none reaches a quorum.");
        return [new HealthEntry(Name, Kind, status, description, 0, data)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_sentinels is not null)
        {
            await _sentinels.DisposeAsync();
        }

        _connectLock.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        if (_sentinels is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            // SentinelConnectAsync connects to the sentinels themselves rather than the master they name.
            var sentinelOptions = options.Clone();
            sentinelOptions.ServiceName = null;
            sentinelOptions.AbortOnConnectFail = false;
            sentinelOptions.ConnectTimeout = 2000;
            sentinelOptions.SyncTimeout = 2000;
            sentinelOptions.AsyncTimeout = 2000;
            return _sentinels ??= await ConnectionMultiplexer.SentinelConnectAsync(sentinelOptions);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private static async Task<SentinelAnswer> AskAsync(IServer sentinel, string serviceName, CancellationToken cancellationToken)
    {
        var endpoint = sentinel.EndPoint.ToString() ?? "unknown";
        try
        {
            var master = await sentinel.SentinelGetMasterAddressByNameAsync(serviceName).WaitAsync(cancellationToken);
            string? quorum;
            var quorumReached = true;
            try
            {
                quorum = (string?)await sentinel.ExecuteAsync("SENTINEL", "CKQUORUM", serviceName).WaitAsync(cancellationToken);
            }
            catch (RedisServerException exception)
            {
                // CKQUORUM replies with an error when the quorum or the majority cannot be reached.
                quorum = exception.Message;
                quorumReached = false;
            }

            return new SentinelAnswer(endpoint, Format(master), quorumReached, quorum, null);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return new SentinelAnswer(endpoint, null, false, null, exception.Message);
        }
    }

    private static string? Format(EndPoint? endpoint) => endpoint switch
    {
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint?.ToString(),
    };

    /// <summary>What one sentinel replied.</summary>
    private sealed record SentinelAnswer(string Endpoint, string? Master, bool QuorumReached, string? Quorum, string? Error);
}
