using LuckyGas.Tests.Infrastructure;
using Npgsql;

namespace LuckyGas.Tests.Topology;

[Collection(SharedPlatform.Name)]
public sealed class PgBouncerPoolingTests(PlatformFixture fixture)
{
    private const int ClientCount = 1000;

    // default_pool_size plus reserve_pool_size in pgbouncer.ini.
    private const int MaxServerConnections = 25;

    [Fact]
    public async Task ThousandClients_ShareFewServerConnections()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var platform = fixture.Platform;
        var connectionString = platform.ThroughPgBouncer();
        var clients = new List<NpgsqlConnection>(ClientCount);

        try
        {
            // Connect in batches: every login is a SCRAM exchange, and pgBouncer's listen backlog
            // is finite.
            using var gate = new SemaphoreSlim(50);
            var opening = Enumerable.Range(0, ClientCount).Select(async _ =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync(cancellationToken);
                    return connection;
                }
                finally
                {
                    gate.Release();
                }
            });
            clients.AddRange(await Task.WhenAll(opening));

            Assert.Equal(ClientCount, clients.Count(client => client.State == System.Data.ConnectionState.Open));

            // Each client holds a transaction for a moment, so the pool is really contended.
            var results = await Task.WhenAll(clients.Select(async client =>
            {
                await using var command = new NpgsqlCommand("SELECT 1 FROM pg_sleep(0.01)", client);
                return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            }));
            Assert.All(results, result => Assert.Equal(1, result));

            var serverConnections = await PlatformConnections.ScalarAsync<long>(platform.Superuser("postgres-1"),
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'luckygas' AND backend_type = 'client backend'",
                cancellationToken);
            Assert.InRange(serverConnections, 1, MaxServerConnections);
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }
}
