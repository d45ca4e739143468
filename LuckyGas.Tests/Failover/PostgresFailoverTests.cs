using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Failover;

/// <summary>
/// Kills the PostgreSQL primary under a stream of order creates on its own platform, then restarts
/// the platform and switches the primary back with the dashboard command.
/// </summary>
public sealed class PostgresFailoverTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(90);

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("luckygas-pgfailover-").FullName;
    private readonly PlatformSecrets _secrets = new();

    [Fact]
    public async Task PrimaryKilled_FailsOverWithoutLoss()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(12));
        string promoted;

        await using (var platform = await PlatformInstance.StartAsync(_stateDirectory, _secrets, cancellationToken))
        {
            using var client = await ApiClients.AdminAsync(platform, "api-1", cancellationToken);
            var customerId = await ApiClients.CreateCustomerAsync(client, cancellationToken);
            var writer = new OrderWriter(client, customerId);
            using var health = platform.App.CreateHttpClient("api-1", "http");
            var readiness = new ConcurrentQueue<(TimeSpan At, int Status)>();

            using var stop = new CancellationTokenSource();
            var writing = writer.RunAsync(stop.Token);
            var probing = ProbeReadinessAsync(health, writer, readiness, stop.Token);

            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var faultAt = writer.Now;
            ChaosActions.Kill(platform.PostmasterId("postgres-1"));

            // Writes go on for a few seconds after the first success, to show that they keep working.
            await Eventually.WaitAsync(_ => Task.FromResult(writer.Acknowledged.Any(write => write.At > faultAt)),
                resumed => resumed, TimeSpan.FromSeconds(60), cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(writing, probing);

            var outage = writer.OutageAround(faultAt);
            output.WriteLine($"PostgreSQL write outage after SIGKILL of the primary: {outage?.TotalSeconds:F2} s; " +
                $"{writer.Acknowledged.Count} orders acknowledged, {writer.Failures.Count} failed attempts.");
            foreach (var failure in writer.Failures.Take(3).Concat(writer.Failures.TakeLast(2)))
            {
                output.WriteLine($"  failed at {failure.At.TotalSeconds:F2} s: {failure.Outcome}");
            }

            Assert.True(outage is not null, "No order create succeeded after the primary was killed.");
            Assert.True(outage < TimeSpan.FromSeconds(15), $"Writes were out for {outage?.TotalSeconds:F1} s.");

            // Writes after the recovery all succeed: no request keeps failing with a read-only transaction.
            var lastFailure = writer.Failures.Select(failure => failure.At).DefaultIfEmpty(TimeSpan.Zero).Max();
            Assert.True(writer.Acknowledged.Count(write => write.At > lastFailure) >= 5,
                $"Fewer than five creates succeeded after the last failure at {lastFailure.TotalSeconds:F1} s.");
            Assert.DoesNotContain(writer.Failures, failure => failure.Outcome.Contains("read-only", StringComparison.OrdinalIgnoreCase));

            // A create that fails during the gap gets a 503 with Retry-After, never a 500.
            Assert.DoesNotContain(writer.Failures, failure => failure.Outcome.StartsWith("HTTP 500", StringComparison.Ordinal));

            // Readiness reports unhealthy during a gap that clients saw, and healthy after it. When
            // pgBouncer held every request until the new primary took over, no write failed and
            // readiness, whose database check goes through pgBouncer as well, may never have failed.
            var resumedAt = writer.Acknowledged.Where(write => write.At > faultAt).Min(write => write.At);
            output.WriteLine("readiness around the gap: " + string.Join(", ", readiness
                .Where(probe => probe.At > faultAt - TimeSpan.FromSeconds(1) && probe.At < resumedAt + TimeSpan.FromSeconds(2))
                .Select(probe => $"{probe.At.TotalSeconds:F2} s {probe.Status}")));
            if (writer.Failures.Any(failure => failure.At > faultAt && failure.At < resumedAt))
            {
                Assert.Contains(readiness, probe => probe.At > faultAt && probe.At < resumedAt + TimeSpan.FromSeconds(2) && probe.Status != 200);
            }

            Assert.Equal(200, readiness.Last().Status);

            promoted = await FindPrimaryAsync(platform, cancellationToken);
            Assert.NotEqual("postgres-1", promoted);
            var follower = PlatformConnections.PostgresNodes.Single(node => node != promoted && node != "postgres-1");
            var ids = writer.Acknowledged.Select(write => write.Id).ToArray();
            Assert.Equal(ids.Length, await CountOrdersAsync(platform, promoted, ids, cancellationToken));
            var onFollower = await Eventually.WaitAsync(token => CountOrdersAsync(platform, follower, ids, token),
                count => count == ids.Length, TimeSpan.FromSeconds(30), cancellationToken);
            Assert.Equal(ids.Length, onFollower);

            // The supervisor restarts the old primary, which rejoins the new primary as a standby.
            var streaming = await Eventually.WaitAsync(token => StreamingStandbysAsync(platform, promoted, token),
                names => names.Contains("postgres-1"), RejoinTimeout, cancellationToken, TimeSpan.FromSeconds(1));
            Assert.Contains("postgres-1", streaming);
            Assert.True(await IsInRecoveryAsync(platform, "postgres-1", cancellationToken));
            Assert.True(await PointsAtAsync(platform, promoted, cancellationToken), $"pgBouncer does not point at {promoted}.");
        }

        // A restart of the whole platform keeps the promoted node as the primary.
        await using (var platform = await PlatformInstance.StartAsync(_stateDirectory, _secrets, cancellationToken))
        {
            Assert.Equal(promoted, await FindPrimaryAsync(platform, cancellationToken));
            Assert.True(await IsInRecoveryAsync(platform, "postgres-1", cancellationToken));
            Assert.True(await PointsAtAsync(platform, promoted, cancellationToken), $"pgBouncer does not point at {promoted} after the restart.");

            // The dashboard's switchover makes postgres-1 the primary again, and the old one a standby.
            var commands = platform.App.Services.GetRequiredService<ResourceCommandService>();
            var stopwatch = Stopwatch.StartNew();
            var switched = await commands.ExecuteCommandAsync("postgres-1", "switch-over", cancellationToken);
            output.WriteLine($"Switchover to postgres-1 took {stopwatch.Elapsed.TotalSeconds:F1} s: {switched.Message}");
            Assert.True(switched.Success, switched.Message);
            Assert.Equal("postgres-1", await FindPrimaryAsync(platform, cancellationToken));
            Assert.True(await PointsAtAsync(platform, "postgres-1", cancellationToken), "pgBouncer does not point at postgres-1 after the switchover.");
            var standbys = await Eventually.WaitAsync(token => StreamingStandbysAsync(platform, "postgres-1", token),
                names => names.Count == 2, RejoinTimeout, cancellationToken, TimeSpan.FromSeconds(1));
            Assert.Equal(2, standbys.Count);

            var shown = await commands.ExecuteCommandAsync("postgres", "repmgr-cluster-show", cancellationToken);
            Assert.True(shown.Success, shown.Message);
            output.WriteLine(shown.Data?.Value ?? "");
            Assert.Contains("postgres-1", shown.Data?.Value, StringComparison.Ordinal);
        }
    }

    public void Dispose() => TestState.Delete(_stateDirectory);

    private static async Task ProbeReadinessAsync(
        HttpClient health, OrderWriter clock, ConcurrentQueue<(TimeSpan At, int Status)> readiness, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // Each probe counts at the moment it was sent, since a check may wait on pgBouncer.
            var sentAt = clock.Now;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await health.GetAsync("/health", timeout.Token);
                readiness.Enqueue((sentAt, (int)response.StatusCode));
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                readiness.Enqueue((sentAt, 0));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    private static async Task<string> FindPrimaryAsync(PlatformInstance platform, CancellationToken cancellationToken)
    {
        var primaries = new List<string>();
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            try
            {
                if (!await IsInRecoveryAsync(platform, node, cancellationToken))
                {
                    primaries.Add(node);
                }
            }
            catch (NpgsqlException)
            {
                // A node that is down is not a primary.
            }
        }

        return Assert.Single(primaries);
    }

    private static Task<bool> IsInRecoveryAsync(PlatformInstance platform, string node, CancellationToken cancellationToken) =>
        PlatformConnections.ScalarAsync<bool>(platform.Superuser(node), "SELECT pg_is_in_recovery()", cancellationToken);

    private static async Task<bool> PointsAtAsync(PlatformInstance platform, string node, CancellationToken cancellationToken)
    {
        var port = await PlatformConnections.ScalarAsync<string>(platform.ThroughPgBouncer(),
            "SELECT current_setting('port')", cancellationToken);
        return port == platform.PortOf(node).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> CountOrdersAsync(PlatformInstance platform, string node, long[] ids, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(platform.Superuser(node, "luckygas"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<string>> StreamingStandbysAsync(PlatformInstance platform, string primary, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(platform.Superuser(primary));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var names = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }
}
