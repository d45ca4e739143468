using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.BackupWorker;
using LuckyGas.BackupWorker.Dumps;
using LuckyGas.BackupWorker.Encryption;
using LuckyGas.BackupWorker.Storage;
using LuckyGas.BackupWorker.Verification;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LuckyGas.Tests.Backup;

[Collection(SharedPlatform.Name)]
public sealed class BackupRunTests(PlatformFixture fixture)
{
    private const string Bucket = "luckygas-backups";

    [Fact]
    public async Task BackupThroughApi_RestoresSameRows()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var platform = fixture.Platform;
        using var api = await ApiClients.AdminAsync(platform, "api-1", cancellationToken);

        using var started = await api.PostAsync("/api/v1/admin/backups", content: null, cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await ReadRunAsync(started, cancellationToken);
        run = await Eventually.WaitAsync(
            async token => await ReadRunAsync(await api.GetAsync($"/api/v1/admin/backups/runs/{run.GetProperty("id").GetString()}", token), token),
            state => state.GetProperty("status").GetString() != "Running", TimeSpan.FromMinutes(3), cancellationToken,
            TimeSpan.FromSeconds(1));
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        Assert.EndsWith("(standby)", run.GetProperty("source").GetString(), StringComparison.Ordinal);
        var name = run.GetProperty("backupName").GetString()!;

        // Download, checksum, decrypt and restore independently of the worker's own verification.
        using var s3 = platform.S3Client();
        var download = Path.Combine(Path.GetTempPath(), $"{name}.{Guid.NewGuid():N}");
        string recorded;
        using (var response = await s3.GetObjectAsync(Bucket, $"backups/{name}.lgbk", cancellationToken))
        await using (var file = File.Create(download))
        {
            await response.ResponseStream.CopyToAsync(file, cancellationToken);
            recorded = response.Metadata["sha256"];
        }

        var scratch = $"e2e_{Guid.NewGuid():N}";
        try
        {
            Assert.Equal(recorded, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(download, cancellationToken))));
            await PlatformConnections.ExecuteAsync(BackupHarness.VerifyServer(platform), $"CREATE DATABASE {scratch}", cancellationToken);
            await BackupRestorer.RestoreAsync(download, new BackupKeyRing(platform.Secrets.BackupEncryptionKey),
                "/usr/lib/postgresql/15/bin/pg_restore", BackupHarness.VerifyServer(platform, scratch), cancellationToken);

            var primary = await PrimaryNodeAsync(platform, cancellationToken);
            var source = await FingerprintAsync(platform.Superuser(primary, "luckygas"), cancellationToken);
            var restored = await FingerprintAsync(BackupHarness.VerifyServer(platform, scratch), cancellationToken);
            Assert.Contains("public.customers", source.Keys);
            Assert.Equal(source, restored);
        }
        finally
        {
            File.Delete(download);
            await PlatformConnections.ExecuteAsync(BackupHarness.VerifyServer(platform),
                $"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)", CancellationToken.None);
        }

        // The dashboard command verifies the same, newest backup on pg-verify.
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        var verified = await commands.ExecuteCommandAsync("backup-worker", "verify-latest-backup", cancellationToken);
        Assert.True(verified.Success, verified.Message);
    }

    [Fact]
    public async Task OlderPgDump_IsReported()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        // Only PostgreSQL 15 is installed here, so a script that prints an older version replaces pg_dump 14 here.
        var fake = Path.Combine(Path.GetTempPath(), $"pg_dump-14-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 14.13 (Debian 14.13-1)'\n", cancellationToken);
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var error = await Assert.ThrowsAsync<BackupStepException>(() => PgDumpVersion.EnsureCompatibleAsync(
                fake, fixture.Platform.Superuser("postgres-1"), cancellationToken));

            Assert.Equal(BackupSteps.Version, error.Step);
            Assert.Contains("version 14, older than the PostgreSQL 15 server", error.Message, StringComparison.Ordinal);

            var real = await PgDumpVersion.EnsureCompatibleAsync(
                "/usr/lib/postgresql/15/bin/pg_dump", fixture.Platform.Superuser("postgres-1"), cancellationToken);
            Assert.Equal((15, 15), real);
        }
        finally
        {
            File.Delete(fake);
        }
    }

    [Fact]
    public async Task DumpEndedMidway_FailsAndLeavesNothing()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        var platform = fixture.Platform;
        var primary = await PrimaryNodeAsync(platform, cancellationToken);
        var database = $"midway_{Guid.NewGuid():N}"[..20];
        await PlatformConnections.ExecuteAsync(platform.Superuser(primary), $"CREATE DATABASE {database} OWNER luckygas", cancellationToken);
        await PlatformConnections.ExecuteAsync(platform.Superuser(primary, database),
            "CREATE TABLE probe AS SELECT g AS id FROM generate_series(1, 1000) g; ALTER TABLE probe OWNER TO luckygas",
            cancellationToken);

        using var webhook = new WebhookReceiver();
        using var failures = new MeasurementRecorder("luckygas_backup_failures");
        await using var harness = BackupHarness.Create(platform, new Dictionary<string, string?>
        {
            ["Backup:Database"] = database,
            ["Backup:VerifyAfterBackup"] = "false",
            ["Notifications:SlackWebhookUrl"] = webhook.Url,
        });
        var store = harness.Services.GetRequiredService<BackupStore>();

        // A lock held on the primary is replayed on the standbys, so pg_dump waits there, mid-run,
        // until the test ends its session the way a server shutdown would.
        await using var locker = new NpgsqlConnection(platform.Superuser(primary, database));
        await locker.OpenAsync(cancellationToken);
        await using var transaction = await locker.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("LOCK TABLE probe IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // The lock's WAL record is sent only once flushed, and an idle primary may not flush a
        // partly filled page for a long time. A commit flushes it, and then each standby replays it.
        await PlatformConnections.ScalarAsync<long>(platform.Superuser(primary), "SELECT txid_current()", cancellationToken);
        var flushed = await PlatformConnections.ScalarAsync<string>(platform.Superuser(primary),
            "SELECT pg_current_wal_flush_lsn()::text", cancellationToken);
        foreach (var standby in PlatformConnections.PostgresNodes.Where(node => node != primary))
        {
            await Eventually.WaitAsync(
                token => PlatformConnections.ScalarAsync<bool>(platform.Superuser(standby),
                    $"SELECT pg_last_wal_replay_lsn() >= '{flushed}'::pg_lsn", token),
                replayed => replayed, TimeSpan.FromSeconds(30), cancellationToken, TimeSpan.FromMilliseconds(100));
        }

        var running = harness.Services.GetRequiredService<BackupRunner>()
            .RunAsync(BackupRunKind.Backup, BackupTrigger.Request, cancellationToken);
        var terminated = await Eventually.WaitAsync(
            token => TerminatePgDumpAsync(platform, database, token), count => count > 0,
            TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromMilliseconds(100));
        await transaction.RollbackAsync(cancellationToken);
        var run = await running;

        Assert.True(terminated > 0, "pg_dump never waited on the lock");
        Assert.Equal(BackupRunStatus.Failed, run.Status);
        Assert.Equal(BackupSteps.Dump, run.FailedStep);
        Assert.Contains("pg_dump exited", run.Error, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(cancellationToken));
        Assert.Empty(Directory.EnumerateFileSystemEntries(harness.LocalDirectory));
        var notification = await Eventually.WaitAsync(
            _ => Task.FromResult(webhook.Bodies), bodies => bodies.Count > 0, TimeSpan.FromSeconds(10), cancellationToken);
        var text = Assert.Single(notification);
        Assert.Contains("FAILED at step dump", text, StringComparison.Ordinal);
        // The worker adds a zero at start-up so the series exists; the failure is the one count above it.
        var failure = Assert.Single(failures.Measurements, measurement => measurement.Value > 0);
        Assert.Equal(1, failure.Value);
        Assert.Equal("dump", failure.Tags["step"]);

        await PlatformConnections.ExecuteAsync(platform.Superuser(primary), $"DROP DATABASE {database} WITH (FORCE)", CancellationToken.None);
    }

    [Fact]
    public async Task BothStandbysStopped_DumpsFromPrimary()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(5));
        var platform = fixture.Platform;
        var primary = await PrimaryNodeAsync(platform, cancellationToken);
        var standbys = PlatformConnections.PostgresNodes.Where(node => node != primary).ToArray();
        var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
        await using var harness = BackupHarness.Create(platform, new Dictionary<string, string?>
        {
            ["Backup:VerifyAfterBackup"] = "false",
        });
        using var sizes = new MeasurementRecorder("luckygas_backup_size_bytes");
        using var lastSuccess = new MeasurementRecorder("luckygas_backup_last_success_timestamp_seconds");

        BackupRun run;
        try
        {
            foreach (var standby in standbys)
            {
                var stopped = await commands.ExecuteCommandAsync(standby, KnownResourceCommands.StopCommand, cancellationToken);
                Assert.True(stopped.Success, stopped.Message);
            }

            run = await harness.Services.GetRequiredService<BackupRunner>()
                .RunAsync(BackupRunKind.Backup, BackupTrigger.Request, cancellationToken);
        }
        finally
        {
            foreach (var standby in standbys)
            {
                await commands.ExecuteCommandAsync(standby, KnownResourceCommands.StartCommand, CancellationToken.None);
            }

            await platform.App.WaitForHealthyAsync([.. standbys, "postgres"], TimeSpan.FromMinutes(2), CancellationToken.None);

            // The group's health report can predate the restart, so wait for streaming on each standby itself.
            foreach (var standby in standbys)
            {
                await Eventually.WaitAsync(
                    token => IsStreamingAsync(platform, standby, token), streaming => streaming,
                    TimeSpan.FromMinutes(1), CancellationToken.None, TimeSpan.FromMilliseconds(500));
            }
        }

        Assert.True(run.Status == BackupRunStatus.Succeeded, run.Error);
        Assert.Equal($"127.0.0.1:{platform.PortOf(primary)} (primary)", run.Source);
        Assert.Equal(run.SizeBytes, (long)Assert.Single(sizes.Measurements).Value);
        Assert.InRange(Assert.Single(lastSuccess.Measurements).Value,
            DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task ReadmeRestoreCommand_RestoresLatestIntoEmptyDatabase()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var platform = fixture.Platform;
        var root = Repository.Root;
        var command = File.ReadLines(Path.Combine(root, "README.md"))
            .Single(line => line.StartsWith("dotnet run --project LuckyGas.BackupWorker -- restore --latest", StringComparison.Ordinal));

        // The latest backup under the worker's prefix, made here so the test does not depend on order.
        await using (var harness = BackupHarness.Create(platform, new Dictionary<string, string?>
        {
            ["S3:Prefix"] = "backups/",
            ["Backup:VerifyAfterBackup"] = "false",
        }))
        {
            var backup = await harness.Services.GetRequiredService<BackupRunner>()
                .RunAsync(BackupRunKind.Backup, BackupTrigger.Request, cancellationToken);
            Assert.True(backup.Status == BackupRunStatus.Succeeded, backup.Error);
        }

        var target = $"readme_{Guid.NewGuid():N}"[..20];
        await PlatformConnections.ExecuteAsync(BackupHarness.VerifyServer(platform), $"CREATE DATABASE {target}", cancellationToken);
        try
        {
            var start = new ProcessStartInfo("bash", ["-c", command])
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["TARGET_DATABASE"] = BackupHarness.VerifyServer(platform, target);
            start.Environment["Backup__EncryptionKey"] = platform.Secrets.BackupEncryptionKey;
            start.Environment["S3__ServiceUrl"] = $"http://127.0.0.1:{platform.PortOf("s3")}";
            start.Environment["S3__AccessKeyId"] = "S3RVER";
            start.Environment["S3__SecretAccessKey"] = "S3RVER";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);

            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}\n{await errors}");
            Assert.Contains("counts match the manifest", await output, StringComparison.Ordinal);
            var primary = await PrimaryNodeAsync(platform, cancellationToken);
            Assert.Equal(
                await FingerprintAsync(platform.Superuser(primary, "luckygas"), cancellationToken),
                await FingerprintAsync(BackupHarness.VerifyServer(platform, target), cancellationToken));
        }
        finally
        {
            await PlatformConnections.ExecuteAsync(BackupHarness.VerifyServer(platform),
                $"DROP DATABASE IF EXISTS {target} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task<JsonElement> ReadRunAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return body.Clone();
        }
    }

    private static async Task<int> TerminatePgDumpAsync(PlatformInstance platform, string database, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            total += (int)await PlatformConnections.ScalarAsync<long>(platform.Superuser(node),
                $"""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE application_name = 'pg_dump' AND datname = '{database}' AND wait_event_type = 'Lock'
                """, cancellationToken);
        }

        return total;
    }

    private static async Task<bool> IsStreamingAsync(PlatformInstance platform, string node, CancellationToken cancellationToken)
    {
        try
        {
            return await PlatformConnections.ScalarAsync<bool>(platform.Superuser(node),
                "SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')", cancellationToken);
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task<string> PrimaryNodeAsync(PlatformInstance platform, CancellationToken cancellationToken)
    {
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            if (!await PlatformConnections.ScalarAsync<bool>(platform.Superuser(node), "SELECT pg_is_in_recovery()", cancellationToken))
            {
                return node;
            }
        }

        throw new InvalidOperationException("No node is a primary.");
    }

    /// <summary>Returns every user table's row count and an MD5 over its rows in text form.</summary>
    private static async Task<SortedDictionary<string, string>> FingerprintAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var counts = await RowCounts.CountAsync(connection, null, cancellationToken);
        var fingerprints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (table, count) in counts)
        {
            var quoted = string.Join('.', table.Split('.').Select(part => $"\"{part}\""));
            await using var command = new NpgsqlCommand(
                $"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {quoted} t", connection);
            fingerprints[table] = $"{count} rows, md5 {await command.ExecuteScalarAsync(cancellationToken)}";
        }

        return fingerprints;
    }
}
