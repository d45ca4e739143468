using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using LuckyGas.Api.Data.Entities;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>A value read through <see cref="RedisReadCache"/>, and where it came from.</summary>
/// <param name="Value">The value, or null when the database has none.</param>
/// <param name="Outcome">Whether Redis served it, and if not, why.</param>
public readonly record struct CachedRead<T>(T? Value, CacheOutcome Outcome)
    where T : class;

/// <summary>
/// A cache-aside cache in Redis for hot, rarely changing reads. Redis contains only values that can
/// be read again from the database, so when a Redis command fails or times out, the cache catches
/// the error and reads the database instead.
/// </summary>
/// <remarks>
/// <para>
/// Consistency across API instances: a writer deletes the value after its database commit and
/// increments the value's version counter in the same Redis transaction. A reader that misses
/// reads the counter before it reads the database, and stores the value only while the counter is
/// unchanged (WATCH). So a reader that read the database before a concurrent commit cannot put the
/// old value back after the writer's delete.
/// </para>
/// <para>
/// A value to store is read from the primary (the <c>loadLatest</c> delegate), never from a standby,
/// because a standby that has not replayed a recent commit would put the old value in the cache
/// for every instance until its time to live ends.
/// </para>
/// <para>
/// What remains: a delete that fails because Redis is unreachable is kept in memory and retried
/// before this instance uses Redis again. Until that retry succeeds or the value's time to live
/// ends, other instances may serve the old value. A delete acknowledged by a Redis master that
/// dies before its replica received it is lost in the failover, with the same bound.
/// </para>
/// </remarks>
public sealed partial class RedisReadCache(
    RedisCacheConnection connection, IOptionsMonitor<CacheOptions> options, IHttpContextAccessor http,
    ILogger<RedisReadCache> logger)
{
    // Deletes that wait for Redis are kept up to this count; beyond it, the values expire by
    // their time to live.
    private const int MaxDeferredDeletes = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly ConcurrentDictionary<string, DeferredDelete> _deferred = new(StringComparer.Ordinal);
    private long _deferSequence;
    private int _droppedDeletes;

    /// <summary>
    /// Returns the value of <paramref name="entry"/> from Redis, or on a miss reads it with
    /// <paramref name="loadLatest"/> and stores it. When the cache is off for this request
    /// (<see cref="CacheOptions.Enabled"/> is false, an administrator sent
    /// <see cref="CacheHeaders.Bypass"/>, or Redis is unavailable), reads it with
    /// <paramref name="loadUncached"/> instead. Null values are not cached.
    /// </summary>
    /// <param name="entry">The cached value.</param>
    /// <param name="loadLatest">Reads the latest committed value, from the primary.</param>
    /// <param name="loadUncached">Reads the value when the cache is not used, from any node.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<CachedRead<T>> GetOrLoadAsync<T>(
        CacheEntry entry,
        Func<CancellationToken, Task<T?>> loadLatest,
        Func<CancellationToken, Task<T?>> loadUncached,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(loadLatest);
        ArgumentNullException.ThrowIfNull(loadUncached);

        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return new(await loadUncached(cancellationToken), CacheOutcome.Disabled);
        }

        if (IsBypassRequested())
        {
            return new(await loadUncached(cancellationToken), CacheOutcome.Bypass);
        }

        var database = await ConnectAsync(settings);
        if (database is null)
        {
            return new(await loadUncached(cancellationToken), CacheOutcome.Unavailable);
        }

        RedisValue[] stored;
        try
        {
            stored = await database.StringGetAsync([entry.Key, entry.VersionKey])
                .WaitAsync(settings.CommandTimeout, cancellationToken);
            connection.ReportSuccess();
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            connection.ReportFailure(exception);
            return new(await loadUncached(cancellationToken), CacheOutcome.Unavailable);
        }

        if (TryDeserialize(entry, stored[0], out T? cached))
        {
            return new(cached, CacheOutcome.Hit);
        }

        var value = await loadLatest(cancellationToken);
        if (value is not null)
        {
            await TryStoreAsync(database, entry, value, version: stored[1], settings);
        }

        return new(value, CacheOutcome.Miss);
    }

    /// <summary>
    /// Deletes the cached value of <paramref name="entry"/> and increments its version counter.
    /// Call it after the database commit that changed the value's source data. When Redis is
    /// unavailable, it catches the error, keeps the delete and retries it before this instance uses
    /// Redis again.
    /// </summary>
    /// <remarks>
    /// It takes no cancellation token, because a client that disconnects after the commit must not
    /// stop the delete; <see cref="CacheOptions.CommandTimeout"/> bounds the wait instead.
    /// </remarks>
    public async Task InvalidateAsync(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Deleted even when the cache is off for this instance, because other instances may have it on.
        var settings = options.CurrentValue;
        var database = await ConnectAsync(settings);
        if (database is null)
        {
            Defer(entry);
            return;
        }

        try
        {
            await DeleteAsync(database, entry, settings).WaitAsync(settings.CommandTimeout);
            connection.ReportSuccess();
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            connection.ReportFailure(exception);
            Defer(entry);
        }
    }

    private static bool IsRedisFailure(Exception exception) =>
        // RedisTimeoutException and the timeout of WaitAsync are both TimeoutException.
        exception is RedisException or TimeoutException;

    private static Task<bool> DeleteAsync(IDatabase database, CacheEntry entry, CacheOptions settings)
    {
        var transaction = database.CreateTransaction();
        _ = transaction.StringIncrementAsync(entry.VersionKey);
        _ = transaction.KeyExpireAsync(entry.VersionKey, entry.TimeToLive(settings));
        _ = transaction.KeyDeleteAsync(entry.Key);
        return transaction.ExecuteAsync();
    }

    private bool IsBypassRequested()
    {
        var context = http.HttpContext;
        return context is not null &&
            context.Request.Headers[CacheHeaders.Bypass] == "1" &&
            context.User.IsInRole(nameof(StaffRole.Admin));
    }

    /// <summary>
    /// Returns the Redis database after running the deletes that failed before, or null when Redis
    /// is unavailable or those deletes fail again, so that this instance never reads a value it
    /// failed to delete.
    /// </summary>
    private async Task<IDatabase?> ConnectAsync(CacheOptions settings)
    {
        var database = connection.TryGetDatabase();
        if (database is null || _deferred.IsEmpty)
        {
            return database;
        }

        var pending = _deferred.ToArray();
        try
        {
            await Task.WhenAll(pending.Select(item => DeleteAsync(database, item.Value.Entry, settings)))
                .WaitAsync(settings.CommandTimeout);
            connection.ReportSuccess();
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            connection.ReportFailure(exception);
            return null;
        }

        // A delete deferred again while this ran has a new sequence number and stays for the next try.
        foreach (var item in pending)
        {
            _deferred.TryRemove(item);
        }

        var dropped = Interlocked.Exchange(ref _droppedDeletes, 0);
        LogDeferredDeletesDone(logger, pending.Length, dropped);
        return database;
    }

    private void Defer(CacheEntry entry)
    {
        if (_deferred.Count >= MaxDeferredDeletes && !_deferred.ContainsKey(entry.Key))
        {
            Interlocked.Increment(ref _droppedDeletes);
            return;
        }

        _deferred[entry.Key] = new DeferredDelete(entry, Interlocked.Increment(ref _deferSequence));
        LogDeleteDeferred(logger, entry.Key);
    }

    private bool TryDeserialize<T>(CacheEntry entry, RedisValue stored, [NotNullWhen(true)] out T? value)
        where T : class
    {
        value = null;
        if (stored.IsNull)
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>((byte[])stored!, Json);
        }
        catch (JsonException exception)
        {
            // Read as a miss, so the value read from the database replaces it.
            LogUnreadable(logger, entry.Key, exception);
        }

        return value is not null;
    }

    private async Task TryStoreAsync<T>(IDatabase database, CacheEntry entry, T value, RedisValue version, CacheOptions settings)
    {
        var transaction = database.CreateTransaction();
        transaction.AddCondition(version.IsNull
            ? Condition.KeyNotExists(entry.VersionKey)
            : Condition.StringEqual(entry.VersionKey, version));
        _ = transaction.StringSetAsync(entry.Key, JsonSerializer.SerializeToUtf8Bytes(value, Json), entry.TimeToLive(settings));
        try
        {
            // False when a write changed the version since the read: the value may be old, so it is not stored.
            var stored = await transaction.ExecuteAsync().WaitAsync(settings.CommandTimeout);
            connection.ReportSuccess();
            if (!stored)
            {
                LogStoreSkipped(logger, entry.Key);
            }
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            connection.ReportFailure(exception);
        }
    }

    private readonly record struct DeferredDelete(CacheEntry Entry, long Sequence);

    [LoggerMessage(EventId = 4303, EventName = "CacheValueUnreadable", Level = LogLevel.Warning,
        Message = "The cached value {Key} is not valid JSON of its type, so it is read from the database and replaced")]
    private static partial void LogUnreadable(ILogger logger, string key, Exception exception);

    [LoggerMessage(EventId = 4304, EventName = "CacheDeleteDeferred", Level = LogLevel.Debug,
        Message = "Redis is unavailable, so the delete of {Key} waits until it answers")]
    private static partial void LogDeleteDeferred(ILogger logger, string key);

    [LoggerMessage(EventId = 4305, EventName = "CacheDeferredDeletesDone", Level = LogLevel.Information,
        Message = "Deleted {Count} cached values whose delete had failed while Redis was unavailable; " +
            "{Dropped} more deletes were dropped over the limit, so those values stay until their time to live ends")]
    private static partial void LogDeferredDeletesDone(ILogger logger, int count, int dropped);

    [LoggerMessage(EventId = 4306, EventName = "CacheStoreSkipped", Level = LogLevel.Debug,
        Message = "Did not store {Key} because a write changed it during the read")]
    private static partial void LogStoreSkipped(ILogger logger, string key);
}
