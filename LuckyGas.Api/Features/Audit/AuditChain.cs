using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Audit;

/// <summary>The canonical form and hash of audit rows.</summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first row.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// Returns the canonical form of <paramref name="entry"/>: a JSON array of a format version and
    /// every column except the hash, with the time as UTC ISO 8601 in microseconds. JSON string
    /// escaping keeps field boundaries unambiguous whatever the values contain.
    /// </summary>
    public static string Canonicalize(AuditLogEntry entry)
    {
        var occurredAt = entry.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        string?[] fields =
        [
            "v1",
            entry.Id.ToString(CultureInfo.InvariantCulture),
            occurredAt,
            entry.Kind,
            entry.Actor,
            entry.ClientIp,
            entry.Subject,
            entry.Details,
            entry.PreviousHash,
        ];
        return JsonSerializer.Serialize(fields);
    }

    /// <summary>Returns the lowercase hex SHA-256 of the canonical form.</summary>
    public static string ComputeHash(AuditLogEntry entry) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonicalize(entry))));

    /// <summary>Returns <paramref name="time"/> truncated to whole microseconds, the precision of <c>timestamptz</c>.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>Returns the details as a JSON object with keys in ordinal order, so equal details serialize equally.</summary>
    public static string SerializeDetails(IReadOnlyDictionary<string, string?>? details)
    {
        var sorted = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in details ?? new Dictionary<string, string?>())
        {
            sorted[key] = value;
        }

        return JsonSerializer.Serialize(sorted);
    }
}
