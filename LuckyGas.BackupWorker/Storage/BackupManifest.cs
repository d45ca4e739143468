using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LuckyGas.BackupWorker.Storage;

/// <summary>
/// What a good backup records beside its encrypted file: written last, so a backup without a
/// manifest never counts as good.
/// </summary>
public sealed record BackupManifest(
    string Name,
    DateTimeOffset CreatedAt,
    string Database,
    string Source,
    int ServerMajorVersion,
    string KeyId,
    long SizeBytes,
    string Sha256,
    long DumpBytes,
    SortedDictionary<string, long> RowCounts)
{
    /// <summary>The file name extension of encrypted backups.</summary>
    public const string DataExtension = ".lgbk";

    /// <summary>The file name extension of manifests.</summary>
    public const string ManifestExtension = ".json";

    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Returns the backup name for a start time, such as <c>luckygas-20261204T020000Z</c>.</summary>
    public static string NameFor(string database, DateTimeOffset createdAt) =>
        $"{database}-{createdAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";

    /// <summary>Reads the start time from a backup name, or returns null for another name.</summary>
    public static DateTimeOffset? TryParseTime(string name)
    {
        var dash = name.LastIndexOf('-');
        return dash >= 0 && DateTime.TryParseExact(name[(dash + 1)..], TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
    }

    /// <summary>Serializes the manifest as indented JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>Deserializes a manifest.</summary>
    public static BackupManifest FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<BackupManifest>(json, s_json) ?? throw new JsonException("The manifest is empty.");
}
