using LuckyGas.Tests.Infrastructure;
using Npgsql;

namespace LuckyGas.Tests.Topology;

[Collection(SharedPlatform.Name)]
public sealed class PostgresReplicationTests(PlatformFixture fixture)
{
    private static readonly TimeSpan ReplicationTimeout = TimeSpan.FromSeconds(15);

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task PrimaryWrite_IsReadOnBothStandbys()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var primary = Platform.Superuser("postgres-1");
        var marker = Guid.NewGuid().ToString();

        await PlatformConnections.ExecuteAsync(primary,
            "CREATE TABLE IF NOT EXISTS replication_probe (marker text PRIMARY KEY, written_at timestamptz DEFAULT now())",
            cancellationToken);
        await PlatformConnections.ExecuteAsync(primary,
            $"INSERT INTO replication_probe (marker) VALUES ('{marker}')", cancellationToken);

        foreach (var standby in new[] { "postgres-2", "postgres-3" })
        {
            var count = await Eventually.WaitAsync(
                token => PlatformConnections.ScalarAsync<long>(Platform.Superuser(standby),
                    $"SELECT count(*) FROM replication_probe WHERE marker = '{marker}'", token),
                found => found == 1, ReplicationTimeout, cancellationToken);
            Assert.True(count == 1, $"The row written on postgres-1 did not reach {standby} within {ReplicationTimeout.TotalSeconds} s.");
        }
    }

    [Fact]
    public async Task Primary_HasTwoStreamingQuorumStandbys()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        await using var connection = new NpgsqlConnection(Platform.Superuser("postgres-1"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY application_name", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);

        var standbys = new List<(string Name, string State, string SyncState)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            standbys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        Assert.Equal(["postgres-2", "postgres-3"], standbys.Select(standby => standby.Name));
        Assert.All(standbys, standby => Assert.Equal("streaming", standby.State));
        // ANY 1 (...) makes every listed standby a quorum candidate rather than a fixed sync one.
        Assert.All(standbys, standby => Assert.Equal("quorum", standby.SyncState));
    }

    [Fact]
    public async Task SynchronousStandbyNames_ListsEveryNodeOnEveryNode()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));

        foreach (var node in PlatformConnections.PostgresNodes)
        {
            var setting = await PlatformConnections.ScalarAsync<string>(
                Platform.Superuser(node), "SHOW synchronous_standby_names", cancellationToken);
            Assert.Equal("ANY 1 (\"postgres-1\", \"postgres-2\", \"postgres-3\")", setting);

            var walLogHints = await PlatformConnections.ScalarAsync<string>(
                Platform.Superuser(node), "SHOW wal_log_hints", cancellationToken);
            Assert.Equal("on", walLogHints);
        }
    }
}
