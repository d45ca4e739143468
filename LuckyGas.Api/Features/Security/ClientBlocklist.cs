using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LuckyGas.Api.Features.Security;

/// <summary>A blocked client as stored in Redis.</summary>
/// <param name="ClientIp">The blocked address.</param>
/// <param name="Reason">The signal that pushed the score over the threshold.</param>
/// <param name="Score">The score that crossed the threshold.</param>
/// <param name="BlockedAt">When the block started (UTC).</param>
/// <param name="ExpiresAt">When the block ends unless an administrator lifts it first (UTC).</param>
public sealed record ClientBlock(string ClientIp, string Reason, long Score, DateTimeOffset BlockedAt, DateTimeOffset ExpiresAt);

/// <summary>The outcome of adding points to a client's score.</summary>
/// <param name="Score">The score within the current window, or 0 when Redis was unavailable.</param>
/// <param name="Block">The new block when these points crossed the threshold, otherwise null.</param>
public sealed record ScoreResult(long Score, ClientBlock? Block);

/// <summary>
/// Scores and blocks client addresses in Redis, so that every API instance shares them, with key
/// expiry ending scores after the window and blocks after their duration.
/// </summary>
/// <remarks>
/// When Redis is unreachable the blocklist fails open: requests are neither blocked nor scored,
/// and it does not wait on Redis again for <see cref="RetryInterval"/>. It logs the switch once.
/// </remarks>
public sealed partial class ClientBlocklist(
    IServiceProvider services,
    IOptionsMonitor<SecurityOptions> options,
    TimeProvider clock,
    SecurityMetrics metrics,
    ILogger<ClientBlocklist> logger)
{
    /// <summary>The prefix of block keys; the rest of the key is the address.</summary>
    public const string BlockKeyPrefix = "luckygas:security:block:";

    /// <summary>The prefix of score keys; the rest of the key is the address.</summary>
    public const string ScoreKeyPrefix = "luckygas:security:score:";

    private const string NoticeKeyPrefix = "luckygas:security:notice:";

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(2);

    // Adds the points and starts the window on the first point; at the threshold it sets the
    // block (unless one exists) and clears the score, all in one step on the master.
    private static readonly LuaScript AddScoreScript = LuaScript.Prepare(
        """
        local score = redis.call('INCRBY', @scoreKey, @points)
        if score == tonumber(@points) then redis.call('PEXPIRE', @scoreKey, @windowMs) end
        if score >= tonumber(@threshold) and @blockingEnabled == '1' then
          if redis.call('SET', @blockKey, @block, 'PX', @blockMs, 'NX') then
            redis.call('DEL', @scoreKey)
            return {score, 1}
          end
        end
        return {score, 0}
        """);

    private long _retryAtTicks;
    private int _unavailable;

    /// <summary>Returns whether <paramref name="clientIp"/> is exempt from scoring and blocking.</summary>
    public bool IsExempt(string clientIp) =>
        options.CurrentValue.ExemptClients.Contains(clientIp, StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the block of <paramref name="clientIp"/>, or null when it is not blocked or Redis is unavailable.</summary>
    public async Task<ClientBlock?> GetBlockAsync(string clientIp)
    {
        var database = TryGetDatabase();
        if (database is null)
        {
            return null;
        }

        try
        {
            var stored = await database.StringGetAsync(BlockKeyPrefix + clientIp).WaitAsync(CommandTimeout);
            ReportSuccess();
            return stored.IsNullOrEmpty ? null : Deserialize(stored!);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            ReportFailure(exception);
            return null;
        }
    }

    /// <summary>
    /// Adds <paramref name="points"/> to the score of <paramref name="clientIp"/> and blocks it when
    /// the score reaches the threshold within the window.
    /// </summary>
    public async Task<ScoreResult> AddScoreAsync(string clientIp, int points, string reason)
    {
        var database = TryGetDatabase();
        if (database is null || points <= 0)
        {
            return new ScoreResult(0, null);
        }

        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        var block = new ClientBlock(clientIp, reason, settings.BlockThreshold, now, now + settings.BlockDuration);
        try
        {
            var result = (RedisResult[]?)await database.ScriptEvaluateAsync(AddScoreScript, new
            {
                scoreKey = (RedisKey)(ScoreKeyPrefix + clientIp),
                blockKey = (RedisKey)(BlockKeyPrefix + clientIp),
                points,
                windowMs = (long)settings.ScoreWindow.TotalMilliseconds,
                threshold = settings.BlockThreshold,
                blockingEnabled = settings.BlockingEnabled ? "1" : "0",
                block = JsonSerializer.Serialize(block),
                blockMs = (long)settings.BlockDuration.TotalMilliseconds,
            }).WaitAsync(CommandTimeout);
            ReportSuccess();

            var score = (long)result![0];
            if ((long)result[1] != 1)
            {
                return new ScoreResult(score, null);
            }

            metrics.RecordBlock();
            LogBlocked(logger, clientIp, score, reason, settings.BlockDuration);
            return new ScoreResult(score, block with { Score = score });
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            ReportFailure(exception);
            return new ScoreResult(0, null);
        }
    }

    /// <summary>
    /// Returns true the first time in a window that <paramref name="clientIp"/> shows
    /// <paramref name="kind"/>, so that a scanner sending thousands of requests writes one audit row
    /// per kind and window instead of thousands. Returns false when Redis is unavailable.
    /// </summary>
    public async Task<bool> IsFirstNoticeAsync(string clientIp, string kind)
    {
        var database = TryGetDatabase();
        if (database is null)
        {
            return false;
        }

        try
        {
            var first = await database.StringSetAsync($"{NoticeKeyPrefix}{kind}:{clientIp}", 1,
                options.CurrentValue.ScoreWindow, When.NotExists).WaitAsync(CommandTimeout);
            ReportSuccess();
            return first;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            ReportFailure(exception);
            return false;
        }
    }

    /// <summary>Returns every current block, read from the master, ordered by address.</summary>
    /// <exception cref="RedisException">Redis is unavailable; the caller reports it.</exception>
    public async Task<IReadOnlyList<ClientBlock>> ListAsync(CancellationToken cancellationToken)
    {
        var multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
        var master = multiplexer.GetServers().FirstOrDefault(server => server.IsConnected && !server.IsReplica)
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis master is connected.");
        var database = multiplexer.GetDatabase();

        var blocks = new List<ClientBlock>();
        await foreach (var key in master.KeysAsync(pattern: BlockKeyPrefix + "*", pageSize: 500)
            .WithCancellation(cancellationToken))
        {
            var stored = await database.StringGetAsync(key);
            if (!stored.IsNullOrEmpty)
            {
                blocks.Add(Deserialize(stored!));
            }
        }

        metrics.SetBlockedClients(blocks.Count);
        return blocks.OrderBy(block => block.ClientIp, StringComparer.Ordinal).ToList();
    }

    /// <summary>Lifts the block of <paramref name="clientIp"/> and clears its score; returns whether a block existed.</summary>
    /// <exception cref="RedisException">Redis is unavailable; the caller reports it.</exception>
    public async Task<bool> UnblockAsync(string clientIp)
    {
        var database = services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var deleted = await database.KeyDeleteAsync([BlockKeyPrefix + clientIp, ScoreKeyPrefix + clientIp]);
        return deleted > 0;
    }

    /// <summary>Returns whether <paramref name="exception"/> means Redis could not serve a command.</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException;

    private static ClientBlock Deserialize(string stored) =>
        JsonSerializer.Deserialize<ClientBlock>(stored)
            ?? throw new JsonException("A stored block is the JSON literal null.");

    private IDatabase? TryGetDatabase()
    {
        var retryAt = Volatile.Read(ref _retryAtTicks);
        if (retryAt != 0 && clock.GetUtcNow().UtcTicks < retryAt)
        {
            return null;
        }

        try
        {
            // Resolved here rather than injected, because creating the multiplexer connects to the
            // sentinels and throws when none of them responds, which must not fail the request.
            var multiplexer = services.GetRequiredService<IConnectionMultiplexer>();
            if (multiplexer.IsConnected)
            {
                return multiplexer.GetDatabase();
            }

            ReportFailure(new RedisConnectionException(ConnectionFailureType.UnableToConnect,
                "The Redis multiplexer is not connected."));
            return null;
        }
        catch (RedisException exception)
        {
            ReportFailure(exception);
            return null;
        }
    }

    private void ReportFailure(Exception exception)
    {
        Volatile.Write(ref _retryAtTicks, clock.GetUtcNow().UtcTicks + RetryInterval.Ticks);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            LogUnavailable(logger, RetryInterval, exception);
        }
    }

    private void ReportSuccess()
    {
        if (Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Volatile.Write(ref _retryAtTicks, 0);
            LogAvailable(logger);
        }
    }

    [LoggerMessage(EventId = 6000, EventName = "ClientBlocked", Level = LogLevel.Warning,
        Message = "Blocked client {ClientIp} for {Duration} at score {Score}, last signal {Reason}")]
    private static partial void LogBlocked(ILogger logger, string clientIp, long score, string reason, TimeSpan duration);

    [LoggerMessage(EventId = 6001, EventName = "BlocklistUnavailable", Level = LogLevel.Warning,
        Message = "Redis is unavailable, so clients are neither scored nor blocked (failing open); " +
            "Redis is tried again every {RetryInterval}")]
    private static partial void LogUnavailable(ILogger logger, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(EventId = 6002, EventName = "BlocklistAvailable", Level = LogLevel.Information,
        Message = "Redis is reachable again, so clients are scored and blocked again")]
    private static partial void LogAvailable(ILogger logger);
}
