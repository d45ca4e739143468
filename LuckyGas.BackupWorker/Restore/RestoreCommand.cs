using LuckyGas.BackupWorker.Dumps;
using LuckyGas.BackupWorker.Encryption;
using LuckyGas.BackupWorker.Storage;
using LuckyGas.BackupWorker.Verification;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LuckyGas.BackupWorker.Restore;

/// <summary>
/// The <c>restore</c> command: downloads a backup from S3, checks its SHA-256, decrypts it and
/// restores it into an empty target database, then compares row counts with the manifest.
/// </summary>
public static class RestoreCommand
{
    private const string Usage =
        "Usage: LuckyGas.BackupWorker restore (--latest | --name NAME) --target CONNECTION_STRING\n" +
        "  --latest   restore the newest backup that has a manifest\n" +
        "  --name     restore the named backup, such as luckygas-20261204T020000Z\n" +
        "  --target   Npgsql connection string of an empty database; restored objects belong to its user\n" +
        "Settings come from appsettings.json and environment variables: Backup__EncryptionKey (and\n" +
        "Backup__PreviousEncryptionKeys__0...), S3__ServiceUrl, S3__AccessKeyId, S3__SecretAccessKey,\n" +
        "S3__BucketName, S3__Prefix, Backup__PgRestorePath.";

    /// <summary>Returns whether the first argument is <c>restore</c>.</summary>
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "restore";

    /// <summary>Runs the command and returns the exit code: 0 restored, 1 failed, 2 invalid arguments.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args[1..], out var latest, out var name, out var target, out var error))
        {
            await Console.Error.WriteLineAsync($"{error}\n{Usage}");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true))
            .AddBackupCore(configuration);
        await using var provider = services.BuildServiceProvider();
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, eventArgs) =>
        {
            eventArgs.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            await RestoreAsync(provider, latest ? null : name, target!, cancellation.Token);
            return 0;
        }
        catch (Exception exception) when (exception is BackupStepException or BackupFormatException or NpgsqlException
            or Amazon.Runtime.AmazonServiceException or InvalidOperationException or IOException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"restore failed: {exception.Message}");
            return 1;
        }
    }

    /// <summary>Restores backup <paramref name="name"/>, or the newest good one when it is null, into <paramref name="target"/>.</summary>
    public static async Task RestoreAsync(IServiceProvider provider, string? name, string target, CancellationToken cancellationToken)
    {
        var store = provider.GetRequiredService<BackupStore>();
        var keys = provider.GetRequiredService<BackupKeyRing>();
        var settings = provider.GetRequiredService<IOptions<BackupOptions>>().Value;

        name ??= (await store.ListGoodBackupsAsync(cancellationToken)).FirstOrDefault()
            ?? throw new InvalidOperationException("No backup with a manifest was found in S3.");
        var manifest = await store.GetManifestAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"Backup {name} has no manifest in S3, so it is not a good backup.");
        await EnsureEmptyAsync(target, cancellationToken);

        var download = Path.Combine(Path.GetTempPath(), $"{name}.{Guid.NewGuid():N}.restore");
        try
        {
            Console.WriteLine($"Downloading {name} ({manifest.SizeBytes} bytes)");
            var (actual, recorded) = await store.DownloadAsync(store.DataKey(name), download, cancellationToken);
            if (actual != manifest.Sha256 || !string.Equals(recorded, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"The download of {name} has SHA-256 {actual}, but the manifest records {manifest.Sha256} and the " +
                    $"object metadata {recorded}. The object is damaged; restore another backup.");
            }

            Console.WriteLine($"SHA-256 matches; restoring into {DescribeTarget(target)}");
            await BackupRestorer.RestoreAsync(download, keys, settings.PgRestorePath, target, cancellationToken);
        }
        finally
        {
            File.Delete(download);
        }

        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(cancellationToken);
        var counts = await RowCounts.CountAsync(connection, null, cancellationToken);
        var mismatches = manifest.RowCounts.Where(pair => counts.GetValueOrDefault(pair.Key, -1) != pair.Value).ToList();
        if (mismatches.Count > 0)
        {
            throw new InvalidOperationException(
                $"Restored {name}, but row counts differ from the manifest: " +
                string.Join("; ", mismatches.Select(pair => $"{pair.Key} {counts.GetValueOrDefault(pair.Key, -1)} != {pair.Value}")));
        }

        Console.WriteLine($"Restored {name}: {counts.Count} tables, {counts.Values.Sum()} rows, counts match the manifest");
    }

    private static async Task EnsureEmptyAsync(string target, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync(cancellationToken);
        var tables = await RowCounts.CountAsync(connection, null, cancellationToken);
        if (tables.Count > 0)
        {
            throw new InvalidOperationException(
                $"The target database {connection.Database} already has {tables.Count} tables ({string.Join(", ", tables.Keys.Take(5))}). " +
                "Restore into an empty database: CREATE DATABASE name OWNER role.");
        }
    }

    private static string DescribeTarget(string target)
    {
        var builder = new NpgsqlConnectionStringBuilder(target);
        return $"{builder.Host}:{builder.Port}/{builder.Database} as {builder.Username}";
    }

    private static bool TryParse(
        string[] args, out bool latest, out string? name, out string? target, out string? error)
    {
        latest = false;
        name = null;
        target = null;
        error = null;
        for (var index = 0; index < args.Length; index++)
        {
            switch (args[index])
            {
                case "--latest":
                    latest = true;
                    break;
                case "--name" when index + 1 < args.Length:
                    name = args[++index];
                    break;
                case "--target" when index + 1 < args.Length:
                    target = args[++index];
                    break;
                default:
                    error = $"Unknown or incomplete option '{args[index]}'.";
                    return false;
            }
        }

        if (latest == (name is not null))
        {
            error = "Give exactly one of --latest and --name NAME.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(target))
        {
            error = "--target CONNECTION_STRING is missing.";
            return false;
        }

        return true;
    }
}
