using LuckyGas.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Audit;

/// <summary>The first place where the audit chain does not hold.</summary>
/// <param name="Id">The id of the first missing or inconsistent row.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record AuditChainBreak(long Id, string Reason);

/// <summary>The result of walking the whole audit chain.</summary>
/// <param name="Intact">Whether every row links to its predecessor and matches its hash.</param>
/// <param name="RowsChecked">How many rows were read.</param>
/// <param name="LastId">The id of the last row, or null when the log is empty.</param>
/// <param name="LastHash">The hash of the last row; keep it elsewhere to detect later removal of the newest rows.</param>
/// <param name="FirstBreak">The first break, or null when the chain is intact.</param>
/// <param name="VerifiedAt">When the verification finished (UTC).</param>
public sealed record AuditVerification(
    bool Intact, long RowsChecked, long? LastId, string? LastHash, AuditChainBreak? FirstBreak, DateTimeOffset VerifiedAt);

/// <summary>Walks the audit chain from the first row and reports the first broken link.</summary>
public sealed class AuditVerifier(WriteDbContext database, TimeProvider clock)
{
    /// <summary>
    /// Reads every row in id order from the primary and checks that ids have no gaps, that each row's
    /// previous hash is its predecessor's hash, and that each row's hash matches its contents.
    /// </summary>
    /// <remarks>
    /// NOTE: removing the newest rows leaves a shorter chain that is still consistent. Comparing
    /// <see cref="AuditVerification.LastHash"/> with a copy kept outside the database detects that.
    /// </remarks>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var expectedId = 1L;
        var expectedPrevious = AuditChain.GenesisHash;
        var rows = 0L;
        AuditChainBreak? firstBreak = null;

        var entries = database.AuditLog.AsNoTracking().OrderBy(entry => entry.Id).AsAsyncEnumerable();
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            rows++;
            firstBreak ??= Check(entry, expectedId, expectedPrevious);
            expectedId = entry.Id + 1;
            expectedPrevious = entry.Hash;
        }

        return new AuditVerification(
            firstBreak is null,
            rows,
            rows == 0 ? null : expectedId - 1,
            rows == 0 ? null : expectedPrevious,
            firstBreak,
            clock.GetUtcNow());
    }

    private static AuditChainBreak? Check(Data.Entities.AuditLogEntry entry, long expectedId, string expectedPrevious)
    {
        if (entry.Id != expectedId)
        {
            return new AuditChainBreak(expectedId,
                $"Row {expectedId} is missing: the row after {expectedId - 1} has id {entry.Id}.");
        }

        if (!string.Equals(entry.PreviousHash, expectedPrevious, StringComparison.Ordinal))
        {
            return new AuditChainBreak(entry.Id,
                $"Row {entry.Id} does not link to row {entry.Id - 1}: its previous_hash is not that row's hash.");
        }

        if (!string.Equals(AuditChain.ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
        {
            return new AuditChainBreak(entry.Id,
                $"Row {entry.Id} was altered: its contents do not match its hash.");
        }

        return null;
    }
}
