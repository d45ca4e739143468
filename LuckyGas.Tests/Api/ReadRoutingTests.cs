using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Api.Infrastructure.ReadRouting;
using LuckyGas.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Api;

/// <summary>
/// Read routing on the running platform. A standby's replay is paused to make it lag. The API's
/// <c>read-routing</c> health check shows the exclusion, and <c>pg_stat_activity</c> on the standby
/// shows whether the API's reads still reach it.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class ReadRoutingTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Instances = ["api-1", "api-2"];

    // The API's default ReadRouting:MaxLagBytes and MaxLagSeconds, which the AppHost does not change.
    private static readonly long DefaultMaxLagBytes = new ReadRoutingOptions().MaxLagBytes;
    private static readonly TimeSpan DefaultMaxLag = new ReadRoutingOptions().MaxLag;

    // Long enough for a few probe rounds on both instances.
    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(20);

    private const int ReadsPerCheck = 40;

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task StandbyOverByteLimit_IsExcludedUntilCaughtUp()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        var (primary, standby) = await FindPrimaryAndStandbyAsync(cancellationToken);
        var clients = await CreateClientsAsync(cancellationToken);
        try
        {
            await AssertHealthAsync(clients, "Healthy", cancellationToken);
            var readsBefore = await CountReadsReachingAsync(standby, clients, cancellationToken);
            Assert.True(readsBefore > 0, $"Before the pause, none of {ReadsPerCheck} reads reached {standby}, so the check below could not see reads.");

            await PlatformConnections.ExecuteAsync(Platform.Superuser(standby), "SELECT pg_wal_replay_pause()", cancellationToken);
            try
            {
                var lagBytes = await WriteWalUntilLagAsync(primary, standby, DefaultMaxLagBytes * 3 / 2, cancellationToken);
                Assert.True(lagBytes > DefaultMaxLagBytes, $"{standby} lags only {lagBytes} bytes after the writes.");

                await AssertHealthAsync(clients, "Degraded", cancellationToken);
                var readsDuring = await CountReadsReachingAsync(standby, clients, cancellationToken);
                Assert.Equal(0L, readsDuring);

                await AssertReadYourWritesAsync(clients, TimeSpan.Zero, cancellationToken);
            }
            finally
            {
                await ResumeReplayAsync(standby);
            }

            await AssertHealthAsync(clients, "Healthy", cancellationToken);
            var readsAfter = await CountReadsReachingAsync(standby, clients, cancellationToken);
            Assert.True(readsAfter > 0, $"After replay resumed, none of {ReadsPerCheck} reads reached {standby}.");
        }
        finally
        {
            DisposeAll(clients);
        }
    }

    [Fact]
    public async Task StandbyOverTimeLimit_IsExcludedUntilCaughtUp()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var (primary, standby) = await FindPrimaryAndStandbyAsync(cancellationToken);
        var clients = await CreateClientsAsync(cancellationToken);
        try
        {
            await AssertHealthAsync(clients, "Healthy", cancellationToken);

            await PlatformConnections.ExecuteAsync(Platform.Superuser(standby), "SELECT pg_wal_replay_pause()", cancellationToken);
            try
            {
                // A few bytes of WAL: only the time rule can exclude the standby.
                await PlatformConnections.ExecuteAsync(Platform.Superuser(primary),
                    "SELECT pg_logical_emit_message(true, 'read-routing-test', 'small')", cancellationToken);
                var stopwatch = Stopwatch.StartNew();

                await AssertHealthAsync(clients, "Degraded", cancellationToken);
                output.WriteLine($"{standby} was excluded {stopwatch.Elapsed.TotalSeconds:F1} s after the write.");
                Assert.True(stopwatch.Elapsed >= DefaultMaxLag - TimeSpan.FromSeconds(1),
                    $"{standby} was excluded after {stopwatch.Elapsed.TotalSeconds:F1} s, before the time limit of {DefaultMaxLag.TotalSeconds} s.");

                var readsDuring = await CountReadsReachingAsync(standby, clients, cancellationToken);
                Assert.Equal(0L, readsDuring);
            }
            finally
            {
                await ResumeReplayAsync(standby);
            }

            await AssertHealthAsync(clients, "Healthy", cancellationToken);
        }
        finally
        {
            DisposeAll(clients);
        }
    }

    [Fact]
    public async Task ConsistencyToken_AfterProbeRound_IsReadBack()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var clients = await CreateClientsAsync(cancellationToken);
        try
        {
            // After a few probe rounds the standbys are known to have replayed the token, which
            // takes the path without a check query.
            await AssertReadYourWritesAsync(clients, TimeSpan.FromSeconds(3), cancellationToken);
        }
        finally
        {
            DisposeAll(clients);
        }
    }

    private async Task<HttpClient[]> CreateClientsAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Instances.Select(instance => ApiClients.AdminAsync(Platform, instance, cancellationToken)));

    private static void DisposeAll(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    // Returns the primary and a standby, preferring postgres-2, because earlier tests may have moved roles.
    private async Task<(string Primary, string Standby)> FindPrimaryAndStandbyAsync(CancellationToken cancellationToken)
    {
        var standbys = new List<string>();
        string? primary = null;
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            var inRecovery = await PlatformConnections.ScalarAsync<bool>(
                Platform.Superuser(node), "SELECT pg_is_in_recovery()", cancellationToken);
            if (inRecovery)
            {
                standbys.Add(node);
            }
            else
            {
                primary = node;
            }
        }

        Assert.True(primary is not null, "No PostgreSQL node is the primary.");
        Assert.True(standbys.Count > 0, "No PostgreSQL node is a standby.");
        return (primary, standbys.Contains("postgres-2") ? "postgres-2" : standbys[0]);
    }

    private async Task ResumeReplayAsync(string standby)
    {
        // Resuming must happen even when the test's own token has run out.
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        await PlatformConnections.ExecuteAsync(Platform.Superuser(standby), "SELECT pg_wal_replay_resume()", cancellationToken);
    }

    // Writes WAL on the primary in 4 MiB transactions until the standby's replay position is more
    // than minimumLag bytes behind, and returns that lag.
    private async Task<long> WriteWalUntilLagAsync(string primary, string standby, long minimumLag, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        long lag = 0;
        for (var chunk = 0; chunk < 40 && lag <= minimumLag; chunk++)
        {
            await PlatformConnections.ExecuteAsync(Platform.Superuser(primary),
                "SELECT count(pg_logical_emit_message(true, 'read-routing-test', repeat('x', 1048576))) FROM generate_series(1, 4)",
                cancellationToken);
            var written = await PlatformConnections.ScalarAsync<NpgsqlLogSequenceNumber>(
                Platform.Superuser(primary), "SELECT pg_current_wal_lsn()", cancellationToken);
            var replayed = await PlatformConnections.ScalarAsync<NpgsqlLogSequenceNumber>(
                Platform.Superuser(standby), "SELECT pg_last_wal_replay_lsn()", cancellationToken);
            lag = written > replayed ? (long)(written - replayed) : 0;
        }

        output.WriteLine($"Writing WAL on {primary} until {standby} lagged {lag} bytes took {stopwatch.Elapsed.TotalSeconds:F1} s.");
        return lag;
    }

    // Asserts that every API instance reports the overall health status `expected` within RoutingTimeout.
    private static async Task AssertHealthAsync(HttpClient[] clients, string expected, CancellationToken cancellationToken)
    {
        foreach (var client in clients)
        {
            var status = await Eventually.WaitAsync(
                async token =>
                {
                    using var response = await client.GetAsync("/health", token);
                    return await response.Content.ReadAsStringAsync(token);
                },
                body => body == expected, RoutingTimeout, cancellationToken);
            Assert.True(status == expected,
                $"{client.BaseAddress} reported '{status}' instead of '{expected}' within {RoutingTimeout.TotalSeconds} s.");
        }
    }

    // Sends ReadsPerCheck reads without a consistency token across both instances, asserting each
    // succeeds, and returns how many of the API's read connections on the node were used meanwhile.
    private async Task<long> CountReadsReachingAsync(string node, HttpClient[] clients, CancellationToken cancellationToken)
    {
        var connectionString = Platform.Superuser(node);
        var since = await PlatformConnections.ScalarAsync<DateTime>(connectionString, "SELECT clock_timestamp()", cancellationToken);

        for (var read = 0; read < ReadsPerCheck; read++)
        {
            using var response = await clients[read % clients.Length].GetAsync("/api/v1/customers?pageSize=1", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity " +
            "WHERE usename = 'luckygas' AND application_name <> @probe AND state_change >= @since", connection);
        command.Parameters.AddWithValue("probe", StandbyLagProbe.ApplicationName);
        command.Parameters.AddWithValue("since", since);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // Creates a customer through api-1, waits `delay`, and reads it back through api-2 with the
    // consistency token.
    private static async Task AssertReadYourWritesAsync(HttpClient[] clients, TimeSpan delay, CancellationToken cancellationToken)
    {
        var body = ApiClients.ValidCustomer();
        using var created = await clients[0].PostAsJsonAsync("/api/v1/customers", body, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = Assert.Single(created.Headers.GetValues("X-Consistency-Token"));

        await Task.Delay(delay, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        request.Headers.Add("X-Consistency-Token", token);
        using var read = await clients[1].SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var customer = JsonDocument.Parse(await read.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal((string?)body["name"], customer.RootElement.GetProperty("name").GetString());
    }
}

/// <summary>The lag rule and host list parsing of read routing, without servers.</summary>
public sealed class ReadRoutingRuleTests
{
    private const string Primary = "127.0.0.1:5433";
    private const string StandbyA = "127.0.0.1:5434";
    private const string StandbyB = "127.0.0.1:5435";
    private const long MiB = 1024 * 1024;

    private static readonly DateTimeOffset Start = new(2025, 1, 6, 8, 0, 0, TimeSpan.Zero);

    private readonly ReadRoutingOptions _options = new();

    [Fact]
    public void Evaluate_CaughtUpStandby_IsEligible()
    {
        var rule = new StandbyLagRule(_options);

        var snapshot = rule.Evaluate([PrimaryAt(100 * MiB), StandbyAt(StandbyA, 100 * MiB)], StandbyLagSnapshot.NotMeasured, Start);

        var standby = snapshot.Find(StandbyA)!;
        Assert.True(standby.IsEligible);
        Assert.Equal(ReadNodeRole.Standby, standby.Role);
        Assert.Equal(0L, standby.ReplayLagBytes);
        Assert.Equal(0.0, standby.ReplayLagSeconds);
        Assert.Equal(Primary, snapshot.PrimaryEndpoint);
        Assert.False(snapshot.Find(Primary)!.IsEligible);
    }

    [Fact]
    public void Evaluate_ByteLagAboveLimit_ExcludesStandby()
    {
        var rule = new StandbyLagRule(_options);

        var snapshot = rule.Evaluate(
            [PrimaryAt(100 * MiB), StandbyAt(StandbyA, 83 * MiB), StandbyAt(StandbyB, 99 * MiB)], StandbyLagSnapshot.NotMeasured, Start);

        Assert.False(snapshot.Find(StandbyA)!.IsEligible);
        Assert.Equal(17 * MiB, snapshot.Find(StandbyA)!.ReplayLagBytes);
        Assert.True(snapshot.Find(StandbyB)!.IsEligible);
        Assert.Equal([StandbyB], snapshot.EligibleStandbys.Select(node => node.Endpoint));
    }

    [Fact]
    public void Evaluate_BehindLongerThanTimeLimit_ExcludesStandby()
    {
        var rule = new StandbyLagRule(_options);
        var first = rule.Evaluate([PrimaryAt(1000), StandbyAt(StandbyA, 1000)], StandbyLagSnapshot.NotMeasured, Start);

        var behind = rule.Evaluate([PrimaryAt(2000), StandbyAt(StandbyA, 1000)], first, Start.AddSeconds(1));
        var stillBehind = rule.Evaluate([PrimaryAt(2000), StandbyAt(StandbyA, 1000)], behind, Start.AddSeconds(7));

        Assert.True(behind.Find(StandbyA)!.IsEligible);
        Assert.Equal(0.0, behind.Find(StandbyA)!.ReplayLagSeconds);
        Assert.False(stillBehind.Find(StandbyA)!.IsEligible);
        Assert.Equal(6.0, stillBehind.Find(StandbyA)!.ReplayLagSeconds);
    }

    [Fact]
    public void Evaluate_IdlePrimaryNewRecord_KeepsStandbyEligible()
    {
        var rule = new StandbyLagRule(_options);
        var previous = rule.Evaluate([PrimaryAt(1000), StandbyAt(StandbyA, 1000)], StandbyLagSnapshot.NotMeasured, Start);
        for (var second = 1; second <= 600; second++)
        {
            previous = rule.Evaluate([PrimaryAt(1000), StandbyAt(StandbyA, 1000)], previous, Start.AddSeconds(second));
        }

        // The primary writes one record after ten idle minutes, and the standby has not replayed it yet.
        var snapshot = rule.Evaluate([PrimaryAt(1100), StandbyAt(StandbyA, 1000)], previous, Start.AddSeconds(601));

        Assert.True(snapshot.Find(StandbyA)!.IsEligible);
        Assert.Equal(100L, snapshot.Find(StandbyA)!.ReplayLagBytes);
        Assert.Equal(0.0, snapshot.Find(StandbyA)!.ReplayLagSeconds);
    }

    [Fact]
    public void Evaluate_ExcludedStandby_ReturnsBelowHalfLimits()
    {
        var rule = new StandbyLagRule(_options);
        var excluded = rule.Evaluate([PrimaryAt(100 * MiB), StandbyAt(StandbyA, 80 * MiB)], StandbyLagSnapshot.NotMeasured, Start);

        var closer = rule.Evaluate([PrimaryAt(100 * MiB), StandbyAt(StandbyA, 90 * MiB)], excluded, Start.AddSeconds(1));
        var caughtUp = rule.Evaluate([PrimaryAt(100 * MiB), StandbyAt(StandbyA, 99 * MiB)], closer, Start.AddSeconds(2));

        Assert.False(excluded.Find(StandbyA)!.IsEligible);
        Assert.False(closer.Find(StandbyA)!.IsEligible);
        Assert.True(caughtUp.Find(StandbyA)!.IsEligible);
    }

    [Fact]
    public void Evaluate_NoPrimary_MeasuresAgainstHighestStandbyPosition()
    {
        var rule = new StandbyLagRule(_options);

        var snapshot = rule.Evaluate(
            [Unreachable(Primary), StandbyAt(StandbyA, 1000, received: 5000), StandbyAt(StandbyB, 4000)],
            StandbyLagSnapshot.NotMeasured, Start);

        Assert.Null(snapshot.PrimaryEndpoint);
        Assert.Equal(4000L, snapshot.Find(StandbyA)!.ReplayLagBytes);
        Assert.Equal(1000L, snapshot.Find(StandbyB)!.ReplayLagBytes);
        Assert.True(snapshot.Find(StandbyA)!.IsEligible);
    }

    [Fact]
    public void Evaluate_UnreachableNode_IsUnknownAndExcluded()
    {
        var rule = new StandbyLagRule(_options);

        var snapshot = rule.Evaluate([PrimaryAt(1000), Unreachable(StandbyA)], StandbyLagSnapshot.NotMeasured, Start);

        var node = snapshot.Find(StandbyA)!;
        Assert.Equal(ReadNodeRole.Unknown, node.Role);
        Assert.False(node.IsEligible);
        Assert.Equal("connection refused", node.Error);
        Assert.Empty(snapshot.EligibleStandbys);
    }

    [Theory]
    [InlineData("127.0.0.1:5433,127.0.0.1:5434", "127.0.0.1:5433|127.0.0.1:5434")]
    [InlineData("db1, db2:6000", "db1:5432|db2:6000")]
    [InlineData("[::1]:5433,::1", "[::1]:5433|[::1]:5432")]
    [InlineData("db1:5433,DB1:5433", "db1:5433")]
    public void SplitHosts_HostList_ReturnsHostAndPortPairs(string hostList, string expected)
    {
        var endpoints = ReadConnectionSettings.SplitHosts(hostList, 5432);

        Assert.Equal(expected.Split('|'), endpoints);
    }

    [Theory]
    [InlineData("db1:port")]
    [InlineData("db1:70000")]
    [InlineData("db1,,db2")]
    public void SplitHosts_InvalidEntry_ThrowsNamingIt(string hostList)
    {
        var exception = Assert.Throws<ArgumentException>(() => ReadConnectionSettings.SplitHosts(hostList, 5432));

        Assert.Contains(hostList.Split(',')[0], exception.Message, StringComparison.Ordinal);
    }

    private static ReadNodeMeasurement PrimaryAt(long position) =>
        new(Primary, false, new NpgsqlLogSequenceNumber((ulong)position), null, null, null);

    private static ReadNodeMeasurement StandbyAt(string endpoint, long replayed, long? received = null) =>
        new(endpoint, true, new NpgsqlLogSequenceNumber((ulong)replayed),
            new NpgsqlLogSequenceNumber((ulong)(received ?? replayed)), Start, null);

    private static ReadNodeMeasurement Unreachable(string endpoint) => ReadNodeMeasurement.Failed(endpoint, "connection refused");
}
