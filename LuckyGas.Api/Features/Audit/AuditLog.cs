using System.Data.Common;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Audit;

/// <summary>Appends security events to the audit log. Every feature that records security events calls this.</summary>
public interface IAuditLog
{
    /// <summary>
    /// Logs <paramref name="auditEvent"/> as a structured log entry and appends it to the audit log
    /// table. A failed database write is logged and does not throw, so that auditing never turns a
    /// request into a 500.
    /// </summary>
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Appends audit events to <c>audit.audit_log</c> on the primary, one transaction per event.
/// </summary>
/// <remarks>
/// Each insert reads the last row's id and hash and writes the next, so two writers must not
/// interleave. A transaction-scoped advisory lock serializes them across every API instance;
/// pgBouncer's transaction pooling keeps a transaction on one server connection but not a
/// session, so a session-level lock would not be safe.
/// </remarks>
internal sealed partial class PostgresAuditLog(
    IServiceScopeFactory scopes, TimeProvider clock, SecurityMetrics metrics, ILogger<PostgresAuditLog> logger)
    : IAuditLog
{
    // An arbitrary constant that identifies the audit chain's lock among the database's advisory locks.
    private const long ChainLockKey = 0x4C47417564697431;

    private const int MaxFieldLength = 200;

    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var details = AuditChain.SerializeDetails(auditEvent.Details);
        LogAuditEvent(logger, auditEvent.Kind, auditEvent.Actor, auditEvent.ClientIp, auditEvent.Subject, details);
        metrics.RecordAuditEvent(auditEvent.Kind);

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<WriteDbContext>();
            var strategy = database.Database.CreateExecutionStrategy();
            var id = await strategy.ExecuteAsync(
                token => AppendAsync(database, auditEvent, details, token), cancellationToken);
            LogAppended(logger, id, auditEvent.Kind);
        }
        catch (Exception exception) when (exception is DbException or DbUpdateException or InvalidOperationException
            or TimeoutException)
        {
            LogAppendFailed(logger, exception, auditEvent.Kind, auditEvent.Actor);
        }
    }

    private async Task<long> AppendAsync(
        WriteDbContext database, AuditEvent auditEvent, string details, CancellationToken cancellationToken)
    {
        database.ChangeTracker.Clear();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
        await database.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", cancellationToken);

        var last = await database.AuditLog.AsNoTracking()
            .OrderByDescending(entry => entry.Id)
            .Select(entry => new { entry.Id, entry.Hash })
            .FirstOrDefaultAsync(cancellationToken);

        var entry = new AuditLogEntry
        {
            Id = (last?.Id ?? 0) + 1,
            OccurredAt = AuditChain.ToStoredPrecision(clock.GetUtcNow()),
            Kind = Truncate(auditEvent.Kind, 64)!,
            Actor = Truncate(auditEvent.Actor, 128)!,
            ClientIp = Truncate(auditEvent.ClientIp, 64),
            Subject = Truncate(auditEvent.Subject, MaxFieldLength),
            Details = details,
            PreviousHash = last?.Hash ?? AuditChain.GenesisHash,
            Hash = "",
        };
        entry.Hash = AuditChain.ComputeHash(entry);

        database.AuditLog.Add(entry);
        await database.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entry.Id;
    }

    private static string? Truncate(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];

    [LoggerMessage(EventId = 6100, EventName = "AuditEvent", Level = LogLevel.Information,
        Message = "Audit event {Kind} by {Actor} from {ClientIp} about {Subject}: {Details}")]
    private static partial void LogAuditEvent(
        ILogger logger, string kind, string actor, string? clientIp, string? subject, string details);

    [LoggerMessage(EventId = 6101, EventName = "AuditEventAppended", Level = LogLevel.Debug,
        Message = "Appended audit row {Id} ({Kind})")]
    private static partial void LogAppended(ILogger logger, long id, string kind);

    [LoggerMessage(EventId = 6102, EventName = "AuditEventAppendFailed", Level = LogLevel.Error,
        Message = "Could not append the audit event {Kind} by {Actor} to the audit log; it is only in this log")]
    private static partial void LogAppendFailed(ILogger logger, Exception exception, string kind, string actor);
}
