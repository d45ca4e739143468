using System.Collections.Concurrent;
using LuckyGas.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>
/// Counts each API key's requests per UTC day in memory and adds the counts to
/// <c>api_key_usage</c> every <see cref="ApiKeyOptions.UsageFlushInterval"/>, so a request costs
/// no database write. Counts of the last interval are lost when an instance is killed.
/// </summary>
public sealed partial class ApiKeyUsageRecorder(
    IServiceScopeFactory scopes, IOptionsMonitor<ApiKeyOptions> options, TimeProvider clock,
    ILogger<ApiKeyUsageRecorder> logger) : BackgroundService
{
    private ConcurrentDictionary<(long KeyId, DateOnly Day), Counts> _pending = new();

    /// <summary>Counts one request of the key; <paramref name="rejected"/> when the rate limiter returned 429.</summary>
    public void Record(long keyId, bool rejected)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var counts = _pending.GetOrAdd((keyId, day), _ => new Counts());
        Interlocked.Increment(ref counts.Requests);
        if (rejected)
        {
            Interlocked.Increment(ref counts.Rejected);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.UsageFlushInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(stoppingToken);
        }

        // One last flush on shutdown, so a stopped instance keeps its counts.
        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        // NOTE: a request that took its counter from the old table just before the swap and
        // increments it after this flush read it is not counted; the window is a few instructions.
        var batch = Interlocked.Exchange(ref _pending, new());
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<WriteDbContext>();
            foreach (var ((keyId, day), counts) in batch)
            {
                var requests = Interlocked.Read(ref counts.Requests);
                var rejected = Interlocked.Read(ref counts.Rejected);
                await database.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO api_key_usage (api_key_id, day, requests, rejected)
                    SELECT {keyId}, {day}, {requests}, {rejected}
                    WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = {keyId})
                    ON CONFLICT (api_key_id, day) DO UPDATE
                    SET requests = api_key_usage.requests + excluded.requests,
                        rejected = api_key_usage.rejected + excluded.rejected
                    """, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is DbUpdateException or Npgsql.NpgsqlException or TimeoutException)
        {
            // Put the counts back, so the next flush retries them.
            foreach (var (slot, counts) in batch)
            {
                var merged = _pending.GetOrAdd(slot, _ => new Counts());
                Interlocked.Add(ref merged.Requests, counts.Requests);
                Interlocked.Add(ref merged.Rejected, counts.Rejected);
            }

            LogFlushFailed(logger, batch.Count, exception);
        }
    }

    private sealed class Counts
    {
        public long Requests;
        public long Rejected;
    }

    [LoggerMessage(EventId = 4500, EventName = "ApiKeyUsageFlushFailed", Level = LogLevel.Warning,
        Message = "Could not add the usage counts of {Slots} key-days to the database; they are retried at the next flush")]
    private static partial void LogFlushFailed(ILogger logger, int slots, Exception exception);
}
