using Microsoft.Extensions.Options;

namespace LuckyGas.BackupWorker.Storage;

/// <summary>What a retention pass deleted.</summary>
public sealed record RetentionResult(IReadOnlyList<string> DeletedLocal, IReadOnlyList<string> DeletedRemote);

/// <summary>
/// Deletes backups older than the retention periods: local copies after
/// <see cref="BackupOptions.LocalRetention"/>, S3 objects after <see cref="BackupOptions.RemoteRetention"/>.
/// The newest good backup is always kept, however old it is.
/// </summary>
/// <remarks>
/// Ages come from the time in each backup's name, not from file or object times, which copies and
/// stores do not keep. The worker applies retention only after a successful backup.
/// </remarks>
public sealed class RetentionPolicy(BackupStore store, TimeProvider clock, IOptions<BackupOptions> options)
{
    /// <summary>Applies both retention periods, keeping <paramref name="newestGood"/> whatever its age.</summary>
    public async Task<RetentionResult> ApplyAsync(string newestGood, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var deletedLocal = ApplyLocal(settings.LocalDirectory, now - settings.LocalRetention, newestGood);

        var deletedRemote = new List<string>();
        foreach (var entry in await store.ListAsync(cancellationToken))
        {
            if (entry.CreatedAt is { } createdAt && createdAt < now - settings.RemoteRetention && entry.Name != newestGood)
            {
                await store.DeleteAsync(entry.Key, cancellationToken);
                deletedRemote.Add(entry.Key);
            }
        }

        return new RetentionResult(deletedLocal, deletedRemote);
    }

    private static List<string> ApplyLocal(string directory, DateTimeOffset cutoff, string newestGood)
    {
        var deleted = new List<string>();
        if (!Directory.Exists(directory))
        {
            return deleted;
        }

        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var fileName = Path.GetFileName(path);
            var name = fileName.Split('.')[0];
            if (name != newestGood && BackupManifest.TryParseTime(name) is { } createdAt && createdAt < cutoff)
            {
                File.Delete(path);
                deleted.Add(fileName);
            }
        }

        return deleted;
    }
}
