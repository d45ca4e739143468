using System.Diagnostics;
using System.Globalization;
using System.Text;
using LuckyGas.BackupWorker;
using LuckyGas.BackupWorker.Dumps;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Backup;

/// <summary>
/// Measures backup throughput in MB of database per second: the worker's dump, gzip, encryption
/// and upload against plain <c>pg_dump --format=custom</c> (its default compression) to
/// <c>/dev/null</c>, of one generated database from the same standby in the same run.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class BackupBenchmarkTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private const int SmokeMegabytes = 4;

    private const int DefaultMegabytes = 200;

    [Fact]
    public async Task SmokeRun_PrintsThroughputRatio()
    {
        var report = await BackupBenchmark.RunAsync(fixture.Platform, SmokeMegabytes, TestContext.Token(TimeSpan.FromMinutes(3)));

        output.WriteLine(report.Text);
        Assert.True(report.PipelineMegabytesPerSecond > 0, report.Text);
        Assert.True(report.PlainMegabytesPerSecond > 0, report.Text);
        Assert.Contains("ratio", report.Text, StringComparison.Ordinal);
    }

    /// <summary>The full run, only with <c>LUCKYGAS_BENCH=1</c>, which <c>bench/backup.sh</c> sets.</summary>
    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task FullRun_PrintsThroughputRatio()
    {
        if (Environment.GetEnvironmentVariable("LUCKYGAS_BENCH") != "1")
        {
            output.WriteLine("skipped: set LUCKYGAS_BENCH=1 to run the benchmark (bench/backup.sh does)");
            return;
        }

        var megabytes = int.Parse(Environment.GetEnvironmentVariable("LUCKYGAS_BENCH_MB") ?? $"{DefaultMegabytes}", CultureInfo.InvariantCulture);
        var report = await BackupBenchmark.RunAsync(fixture.Platform, megabytes, TestContext.Token(TimeSpan.FromMinutes(30)));

        output.WriteLine(report.Text);
        if (Environment.GetEnvironmentVariable("LUCKYGAS_BENCH_OUTPUT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, report.Text);
        }
    }
}

/// <summary>The figures of one benchmark run.</summary>
public sealed record BackupBenchmarkReport(double PipelineMegabytesPerSecond, double PlainMegabytesPerSecond, string Text);

/// <summary>The benchmark's steps, shared by the smoke test and the full run.</summary>
public static class BackupBenchmark
{
    /// <summary>
    /// Creates a database of about <paramref name="megabytes"/> MB on the primary, waits for the
    /// standbys, times both dumps of it from one standby, and drops it.
    /// </summary>
    public static async Task<BackupBenchmarkReport> RunAsync(PlatformInstance platform, int megabytes, CancellationToken cancellationToken)
    {
        var primary = await PrimaryAsync(platform, cancellationToken);
        var database = $"bench_{Guid.NewGuid():N}"[..20];
        await PlatformConnections.ExecuteAsync(platform.Superuser(primary), $"CREATE DATABASE {database} OWNER luckygas", cancellationToken);
        try
        {
            // Rows like an order history: numbers, a timestamp and text that compresses about as
            // well as addresses and names do. About 150 bytes per row on disk.
            var rows = megabytes * 1_000_000L / 150;
            await PlatformConnections.ExecuteAsync(platform.Superuser(primary, database),
                $"""
                CREATE TABLE orders AS
                SELECT g AS id, (g % 5000) AS customer_id, now() - g * interval '1 minute' AS created_at,
                       md5(g::text) || ' 台北市大安區復興南路一段 ' || (g % 977) AS note
                FROM generate_series(1, {rows}) g;
                ALTER TABLE orders OWNER TO luckygas;
                """, cancellationToken);
            var size = await PlatformConnections.ScalarAsync<long>(platform.Superuser(primary, database),
                "SELECT pg_database_size(current_database())", cancellationToken);

            await using var harness = BackupHarness.Create(platform, new Dictionary<string, string?>
            {
                ["Backup:Database"] = database,
                ["Backup:VerifyAfterBackup"] = "false",
            });
            var source = await DumpSourceSelector.SelectAsync(BackupHarness.EveryNode(platform), database, cancellationToken);

            var plain = await TimePlainDumpAsync(source, cancellationToken);
            var stopwatch = Stopwatch.StartNew();
            var run = await harness.Services.GetRequiredService<BackupRunner>()
                .RunAsync(BackupRunKind.Backup, BackupTrigger.Request, cancellationToken);
            var pipeline = stopwatch.Elapsed;
            if (run.Status != BackupRunStatus.Succeeded)
            {
                throw new InvalidOperationException($"The benchmark backup failed at {run.FailedStep}: {run.Error}");
            }

            var sizeMegabytes = size / 1_000_000.0;
            var pipelineRate = sizeMegabytes / pipeline.TotalSeconds;
            var plainRate = sizeMegabytes / plain.TotalSeconds;
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores; source {source}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"database: {sizeMegabytes:F1} MB (pg_database_size), {rows} rows; encrypted backup {run.SizeBytes / 1_000_000.0:F1} MB");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"dump+gzip+encrypt+upload: {pipeline.TotalSeconds:F2} s, {pipelineRate:F1} MB/s");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"plain pg_dump -Fc > /dev/null: {plain.TotalSeconds:F2} s, {plainRate:F1} MB/s");
            text.AppendLine(CultureInfo.InvariantCulture, $"ratio backup/plain: {pipelineRate / plainRate:F2}");
            return new BackupBenchmarkReport(pipelineRate, plainRate, text.ToString());
        }
        finally
        {
            await PlatformConnections.ExecuteAsync(platform.Superuser(primary), $"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
                CancellationToken.None);
        }
    }

    private static async Task<TimeSpan> TimePlainDumpAsync(DumpSource source, CancellationToken cancellationToken)
    {
        var start = ProcessRunner.ForConnection("/usr/lib/postgresql/15/bin/pg_dump", source.ConnectionString,
            ["--format=custom", "--no-sync", "--file=/dev/null"]);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Plain pg_dump failed: {await errors}");
        }

        return stopwatch.Elapsed;
    }

    private static async Task<string> PrimaryAsync(PlatformInstance platform, CancellationToken cancellationToken)
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
}
