using System.Collections.Concurrent;
using System.Diagnostics;
using LuckyGas.BackupWorker.Dumps;
using LuckyGas.BackupWorker.Encryption;
using LuckyGas.BackupWorker.Notifications;
using LuckyGas.BackupWorker.Storage;
using LuckyGas.BackupWorker.Verification;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LuckyGas.BackupWorker;

/// <summary>
/// Runs backups and verifications one at a time: source choice, version check, dump through
/// gzip and encryption, upload and its check, restore verification, manifest, retention. A
/// failure at any step removes what the run wrote, locally and in S3, and is notified.
/// </summary>
public sealed partial class BackupRunner(
    BackupStore store,
    RestoreVerifier verifier,
    RetentionPolicy retention,
    BackupNotifier notifier,
    BackupMetrics metrics,
    BackupKeyRing keys,
    IConfiguration configuration,
    IOptions<BackupOptions> options,
    TimeProvider clock,
    ILogger<BackupRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, BackupRun> _runs = new(StringComparer.Ordinal);
    private BackupRun? _current;

    public void Dispose() => _gate.Dispose();

    /// <summary>Returns a run by id, or null.</summary>
    public BackupRun? Find(string id) => _runs.GetValueOrDefault(id);

    /// <summary>
    /// Starts a run in the background and returns it at once. While another run is in progress,
    /// returns that run instead, so a retried request never starts a second backup.
    /// </summary>
    public BackupRun Start(BackupRunKind kind, BackupTrigger trigger, CancellationToken stoppingToken)
    {
        lock (_runs)
        {
            if (_current is { Status: BackupRunStatus.Running } running)
            {
                return running;
            }

            var run = NewRun(kind, trigger);
            _current = run;
            _ = Task.Run(() => ExecuteAsync(run, stoppingToken), CancellationToken.None);
            return run;
        }
    }

    /// <summary>Runs a backup or verification to its end and returns the finished run.</summary>
    public Task<BackupRun> RunAsync(BackupRunKind kind, BackupTrigger trigger, CancellationToken cancellationToken)
    {
        BackupRun run;
        lock (_runs)
        {
            run = NewRun(kind, trigger);
            _current = run;
        }

        return ExecuteAsync(run, cancellationToken);
    }

    private BackupRun NewRun(BackupRunKind kind, BackupTrigger trigger)
    {
        var run = new BackupRun(Guid.NewGuid().ToString("N"), kind, trigger, BackupRunStatus.Running, clock.GetUtcNow());
        _runs[run.Id] = run;
        return run;
    }

    private async Task<BackupRun> ExecuteAsync(BackupRun run, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            var finished = run.Kind == BackupRunKind.Backup
                ? await BackUpAsync(run, timeout.Token)
                : await VerifyLatestAsync(run, timeout.Token);
            _runs[run.Id] = finished;
            lock (_runs)
            {
                _current = finished;
            }

            return finished;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BackupRun> BackUpAsync(BackupRun run, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var stopwatch = Stopwatch.StartNew();
        var startedAt = clock.GetUtcNow();
        Directory.CreateDirectory(settings.LocalDirectory);
        DeleteLeftovers(settings.LocalDirectory);

        var sourceConnection = configuration.GetConnectionString(settings.SourceConnectionStringName) ?? "";
        var database = settings.Database ?? new NpgsqlConnectionStringBuilder(sourceConnection).Database ?? "postgres";
        var name = BackupManifest.NameFor(database, startedAt);
        var partial = Path.Combine(settings.LocalDirectory, name + BackupManifest.DataExtension + ".partial");
        var local = Path.Combine(settings.LocalDirectory, name + BackupManifest.DataExtension);
        var uploaded = false;
        string? source = null;
        LogBackupStarted(logger, name, run.Trigger);

        try
        {
            var dumpSource = await RunStepAsync(BackupSteps.Source,
                () => DumpSourceSelector.SelectAsync(sourceConnection, database, cancellationToken));
            source = dumpSource.ToString();
            var (_, serverMajor) = await PgDumpVersion.EnsureCompatibleAsync(settings.PgDumpPath, dumpSource.ConnectionString, cancellationToken);

            EncryptedDump dump;
            SortedDictionary<string, long> counts;
            await using (var snapshot = await RunStepAsync(BackupSteps.Dump,
                () => SnapshotSession.OpenAsync(dumpSource.ConnectionString, cancellationToken)))
            {
                // pg_dump and the counts share the exported snapshot, so they run side by side.
                using var countCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var counting = RunStepAsync(BackupSteps.Dump, () => snapshot.CountRowsAsync(countCancellation.Token));
                try
                {
                    dump = await DumpPipeline.RunAsync(settings.PgDumpPath, dumpSource, snapshot.SnapshotId, partial,
                        keys.Current, settings.CompressionLevel, cancellationToken);
                }
                catch
                {
                    // The counting query must end before the snapshot's connection is closed.
                    await countCancellation.CancelAsync();
                    await counting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    throw;
                }

                counts = await counting;
            }

            await RunStepAsync(BackupSteps.Upload, async () =>
            {
                uploaded = true;
                await store.UploadFileAsync(dump.Path, store.DataKey(name), dump.Sha256, cancellationToken);
                await store.CheckUploadedAsync(store.DataKey(name), dump.SizeBytes, dump.Sha256, cancellationToken);
                return true;
            });

            if (settings.VerifyAfterBackup)
            {
                await VerifyStepAsync(name, dump.Sha256, counts, cancellationToken);
            }

            var manifest = new BackupManifest(name, startedAt, database, source, serverMajor, keys.Current.Id,
                dump.SizeBytes, dump.Sha256, dump.DumpBytes, counts);
            await RunStepAsync(BackupSteps.Manifest, async () =>
            {
                await store.PutManifestAsync(manifest, cancellationToken);
                return true;
            });
            File.Move(partial, local);
            await File.WriteAllBytesAsync(Path.Combine(settings.LocalDirectory, name + BackupManifest.ManifestExtension),
                manifest.ToJson(), cancellationToken);

            var duration = stopwatch.Elapsed;
            metrics.RecordSuccess(clock.GetUtcNow(), duration, dump.SizeBytes);
            LogBackupSucceeded(logger, name, source, dump.SizeBytes, duration.TotalSeconds);
            await ApplyRetentionAsync(name, cancellationToken);
            await notifier.NotifyAsync(
                $"Backup {name} succeeded: {FormatMegabytes(dump.SizeBytes)} encrypted, {FormatMegabytes(dump.DumpBytes)} dumped " +
                $"from {source} in {duration.TotalSeconds:F1} s{(settings.VerifyAfterBackup ? ", restore verified" : "")}.",
                CancellationToken.None);
            return run with
            {
                Status = BackupRunStatus.Succeeded, FinishedAt = clock.GetUtcNow(), BackupName = name, Source = source,
                SizeBytes = dump.SizeBytes, DurationSeconds = duration.TotalSeconds,
            };
        }
        catch (Exception exception) when (exception is BackupStepException or OperationCanceledException)
        {
            var step = exception is BackupStepException failure ? failure.Step : BackupSteps.Dump;
            var message = exception is OperationCanceledException
                ? $"The backup was cancelled or exceeded Backup:Timeout ({settings.Timeout})."
                : exception.Message;
            await CleanUpAsync(name, partial, uploaded);
            metrics.RecordFailure(step);
            LogBackupFailed(logger, exception, name, step, message);
            await notifier.NotifyAsync($"Backup {name} FAILED at step {step}: {message}", CancellationToken.None);
            return run with
            {
                Status = BackupRunStatus.Failed, FinishedAt = clock.GetUtcNow(), BackupName = name, Source = source,
                FailedStep = step, Error = message, DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            };
        }
    }

    private async Task<BackupRun> VerifyLatestAsync(BackupRun run, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        string? name = null;
        try
        {
            name = (await RunStepAsync(BackupSteps.Verify, () => store.ListGoodBackupsAsync(cancellationToken))).FirstOrDefault()
                ?? throw new BackupStepException(BackupSteps.Verify, "There is no backup with a manifest in S3 to verify yet.");
            var manifest = await store.GetManifestAsync(name, cancellationToken)
                ?? throw new BackupStepException(BackupSteps.Verify, $"The manifest of {name} disappeared during verification.");
            await VerifyStepAsync(name, manifest.Sha256, manifest.RowCounts, cancellationToken);
            await notifier.NotifyAsync($"Verification of backup {name} succeeded: {manifest.RowCounts.Count} tables match.",
                CancellationToken.None);
            return run with
            {
                Status = BackupRunStatus.Succeeded, FinishedAt = clock.GetUtcNow(), BackupName = name,
                SizeBytes = manifest.SizeBytes, DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            };
        }
        catch (Exception exception) when (exception is BackupStepException or OperationCanceledException)
        {
            LogVerificationFailed(logger, exception, name ?? "(none)");
            await notifier.NotifyAsync($"Verification of backup {name ?? "(none)"} FAILED: {exception.Message}", CancellationToken.None);
            return run with
            {
                Status = BackupRunStatus.Failed, FinishedAt = clock.GetUtcNow(), BackupName = name,
                FailedStep = BackupSteps.Verify, Error = exception.Message, DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            };
        }
    }

    private async Task VerifyStepAsync(
        string name, string sha256, IReadOnlyDictionary<string, long> counts, CancellationToken cancellationToken)
    {
        try
        {
            await verifier.VerifyAsync(name, sha256, counts, cancellationToken);
            metrics.RecordVerification(true, clock.GetUtcNow());
        }
        catch (Exception exception) when (exception is BackupStepException or OperationCanceledException)
        {
            metrics.RecordVerification(false, clock.GetUtcNow());
            throw;
        }
    }

    private async Task ApplyRetentionAsync(string newestGood, CancellationToken cancellationToken)
    {
        try
        {
            var result = await retention.ApplyAsync(newestGood, cancellationToken);
            LogRetentionApplied(logger, result.DeletedLocal.Count, result.DeletedRemote.Count);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException)
        {
            // The backup itself is good; retention runs again after the next one.
            metrics.RecordFailure(BackupSteps.Retention);
            LogRetentionFailed(logger, exception);
        }
    }

    /// <summary>Removes this run's local file and, once the upload began, its objects in S3.</summary>
    private async Task CleanUpAsync(string name, string partial, bool uploaded)
    {
        File.Delete(partial);
        if (!uploaded)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await store.DeleteAsync(store.ManifestKey(name), timeout.Token);
            await store.DeleteAsync(store.DataKey(name), timeout.Token);
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or OperationCanceledException)
        {
            // Without a manifest the object never counts as a good backup, and the next
            // successful run's retention removes it when it ages out.
            LogCleanupFailed(logger, exception, name);
        }
    }

    /// <summary>Deletes temporary files that an interrupted run left, so each run starts clean.</summary>
    private static void DeleteLeftovers(string directory)
    {
        foreach (var path in Directory.EnumerateFiles(directory, "*.partial"))
        {
            File.Delete(path);
        }
    }

    private static async Task<T> RunStepAsync<T>(string step, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (exception is NpgsqlException or IOException or Amazon.Runtime.AmazonServiceException
            or Amazon.Runtime.AmazonClientException or TimeoutException)
        {
            throw new BackupStepException(step, exception.Message, exception);
        }
    }

    private static string FormatMegabytes(long bytes) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1_000_000.0:F1} MB");

    [LoggerMessage(EventId = 7000, EventName = "BackupStarted", Level = LogLevel.Information,
        Message = "Backup {Name} started ({Trigger})")]
    private static partial void LogBackupStarted(ILogger logger, string name, BackupTrigger trigger);

    [LoggerMessage(EventId = 7001, EventName = "BackupSucceeded", Level = LogLevel.Information,
        Message = "Backup {Name} succeeded: from {Source}, {SizeBytes} bytes encrypted, {Seconds:F1} s")]
    private static partial void LogBackupSucceeded(ILogger logger, string name, string source, long sizeBytes, double seconds);

    [LoggerMessage(EventId = 7002, EventName = "BackupFailed", Level = LogLevel.Error,
        Message = "Backup {Name} failed at step {Step}: {Failure}")]
    private static partial void LogBackupFailed(ILogger logger, Exception exception, string name, string step, string failure);

    [LoggerMessage(EventId = 7003, EventName = "VerificationFailed", Level = LogLevel.Error,
        Message = "Verification of backup {Name} failed")]
    private static partial void LogVerificationFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 7004, EventName = "RetentionApplied", Level = LogLevel.Information,
        Message = "Retention deleted {LocalFiles} local files and {RemoteObjects} S3 objects")]
    private static partial void LogRetentionApplied(ILogger logger, int localFiles, int remoteObjects);

    [LoggerMessage(EventId = 7005, EventName = "RetentionFailed", Level = LogLevel.Warning,
        Message = "Applying retention failed; it runs again after the next successful backup")]
    private static partial void LogRetentionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7006, EventName = "CleanupFailed", Level = LogLevel.Warning,
        Message = "Deleting the S3 objects of failed backup {Name} failed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string name);
}
