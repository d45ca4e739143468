using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LuckyGas.AppHost.Redis;

/// <summary>The operator's dashboard command that forces a Sentinel failover.</summary>
public static partial class RedisCommands
{
    /// <summary>The name of the command on the <c>redis</c> group.</summary>
    public const string FailoverName = "redis-failover";

    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Adds the "Fail over Redis" command, which sends <c>SENTINEL FAILOVER</c> to the first sentinel that
    /// responds and waits until the sentinels name the new master.
    /// </summary>
    public static IResourceBuilder<Hosting.ResourceGroup> WithFailoverCommand(
        this IResourceBuilder<Hosting.ResourceGroup> group, RedisCluster cluster)
    {
        return group.WithCommand(FailoverName, "Fail over Redis",
            context => FailOverAsync(cluster, context.Logger, context.CancellationToken),
            new CommandOptions
            {
                Description = "Makes the replica the master through Sentinel (SENTINEL FAILOVER). Clients follow "
                    + "through the sentinels; writes of the last moment before the switch may be lost.",
                ConfirmationMessage = "Make the Redis replica the master now?",
                IconName = "ArrowSwap",
            });
    }

    private static async Task<ExecuteCommandResult> FailOverAsync(RedisCluster cluster, ILogger logger, CancellationToken cancellationToken)
    {
        var password = await cluster.Password.Resource.GetValueAsync(cancellationToken);
        foreach (var sentinel in cluster.Sentinels)
        {
            try
            {
                await using var connection = await RedisProbe.ConnectSentinelAsync(sentinel.Port, password);
                var server = connection.GetServer(IPAddress.Loopback, sentinel.Port);
                var before = await server.SentinelGetMasterAddressByNameAsync(RedisCluster.ServiceName);
                await server.ExecuteAsync("SENTINEL", "FAILOVER", RedisCluster.ServiceName);

                var deadline = DateTime.UtcNow + FailoverTimeout;
                while (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                    var after = await server.SentinelGetMasterAddressByNameAsync(RedisCluster.ServiceName);
                    if (after is not null && !after.Equals(before))
                    {
                        LogFailedOver(logger, before, after);
                        return CommandResults.Success($"The Redis master moved from {before} to {after}.");
                    }
                }

                return CommandResults.Failure(
                    $"{sentinel.Name} accepted SENTINEL FAILOVER, but the master was still {before} after {FailoverTimeout.TotalSeconds:F0} s.");
            }
            catch (RedisServerException exception)
            {
                // For example NOGOODSLAVE when no replica is connected, or INPROG during a failover.
                return CommandResults.Failure($"{sentinel.Name} rejected SENTINEL FAILOVER: {exception.Message}");
            }
            catch (Exception exception) when (RedisProbe.IsProbeFailure(exception) && exception is not OperationCanceledException)
            {
                LogSentinelUnreachable(logger, exception, sentinel.Name);
            }
        }

        return CommandResults.Failure("No sentinel responded, so no failover was started.");
    }

    [LoggerMessage(EventId = 1300, EventName = "RedisFailedOver", Level = LogLevel.Information,
        Message = "Redis failed over on request: the master moved from {Before} to {After}")]
    private static partial void LogFailedOver(ILogger logger, EndPoint? before, EndPoint after);

    [LoggerMessage(EventId = 1301, EventName = "RedisSentinelUnreachable", Level = LogLevel.Warning,
        Message = "{Sentinel} did not respond to the failover request; trying the next sentinel")]
    private static partial void LogSentinelUnreachable(ILogger logger, Exception exception, string sentinel);
}
