using LuckyGas.Api.Data;
using LuckyGas.Api.Infrastructure.ReadRouting;
using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Read-your-writes across standbys and API instances. A write returns the WAL position of its
/// commit as a consistency token in the <see cref="HeaderName"/> header; a read that sends the
/// token back is served by a standby that has replayed that far, or else by the primary.
/// </summary>
public sealed partial class ConsistentReads(
    ReadDbContext standby, WriteDbContext primary, ReadDataSources dataSources, IHttpContextAccessor http,
    ILogger<ConsistentReads> logger)
{
    /// <summary>The request and response header that carries the consistency token.</summary>
    public const string HeaderName = "X-Consistency-Token";

    // A standby usually replays a commit within milliseconds of the primary's flush, so a short
    // wait keeps most reads off the primary.
    private static readonly TimeSpan ReplayWait = TimeSpan.FromMilliseconds(300);

    private LuckyGasDbContext? _chosen;

    /// <summary>
    /// Returns the context to read from, the same one for every call in a request. Without a token
    /// it is the standby context. With a token it is the standby context routed to the standbys that
    /// the last lag probe round saw past the token. When there are none, it is the standby context
    /// if its node replays the token's position within a short wait, or else the primary.
    /// </summary>
    public async Task<LuckyGasDbContext> GetAsync(CancellationToken cancellationToken)
    {
        return _chosen ??= await ChooseAsync(cancellationToken);
    }

    private async Task<LuckyGasDbContext> ChooseAsync(CancellationToken cancellationToken)
    {
        var header = http.HttpContext?.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(header) || !NpgsqlLogSequenceNumber.TryParse(header, out var token))
        {
            return standby;
        }

        // A running standby's replay position only grows, so a standby that had replayed the token
        // by the last probe round needs no check query. The context has not connected yet, so its
        // data source can still change.
        if (dataSources.ForPosition(token) is { } covering)
        {
            standby.Database.SetDbDataSource(covering);
            LogServedByCoveringStandbys(logger, token);
            return standby;
        }

        await standby.Database.OpenConnectionAsync(cancellationToken);
        var deadline = DateTime.UtcNow + ReplayWait;
        while (true)
        {
            var caughtUp = await standby.Database
                .SqlQuery<bool>($"SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= {token} AS \"Value\"")
                .SingleAsync(cancellationToken);
            if (caughtUp)
            {
                return standby;
            }

            if (DateTime.UtcNow >= deadline)
            {
                LogFallbackToPrimary(logger, token);
                return primary;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>
    /// Sets the <see cref="HeaderName"/> response header to the consistency token of the writes
    /// <paramref name="database"/> has committed.
    /// </summary>
    public static async Task SetTokenAsync(HttpContext context, WriteDbContext database, CancellationToken cancellationToken) =>
        context.Response.Headers[HeaderName] = await CaptureTokenAsync(database, cancellationToken);

    /// <summary>Returns the primary's current WAL position after a write, as a consistency token.</summary>
    public static async Task<string> CaptureTokenAsync(WriteDbContext database, CancellationToken cancellationToken)
    {
        var position = await database.Database
            .SqlQuery<NpgsqlLogSequenceNumber>($"SELECT pg_current_wal_lsn() AS \"Value\"")
            .SingleAsync(cancellationToken);
        return position.ToString();
    }

    [LoggerMessage(EventId = 4100, EventName = "ConsistentReadOnPrimary", Level = LogLevel.Debug,
        Message = "No standby had replayed {Token} in time, so the read goes to the primary")]
    private static partial void LogFallbackToPrimary(ILogger logger, NpgsqlLogSequenceNumber token);

    [LoggerMessage(EventId = 4310, EventName = "ConsistentReadOnCoveringStandby", Level = LogLevel.Debug,
        Message = "The last lag probe round saw standbys past {Token}, so the read goes to them without a check")]
    private static partial void LogServedByCoveringStandbys(ILogger logger, NpgsqlLogSequenceNumber token);
}
