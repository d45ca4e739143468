using System.Diagnostics;
using System.Globalization;
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

            // Each client keeps a transaction open for a moment, so the pool is really contended.
            var results = await Task.WhenAll(clients.Select(async client =>
            {
                await using var command = new NpgsqlCommand("SELECT 1 FROM pg_sleep(0.01)", client);
                return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            }));
            Assert.All(results, result => Assert.Equal(1, result));

            var pooled = await CountPooledServerConnectionsAsync(platform, cancellationToken);
            Assert.InRange(pooled, 1, MaxServerConnections);

            // The primary also serves the API instances' lag probes and direct reads, which do not
            // go through pgBouncer, so its own count has a little headroom over the pool.
            var serverConnections = await PlatformConnections.ScalarAsync<long>(platform.Superuser("postgres-1"),
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'luckygas' AND backend_type = 'client backend'",
                cancellationToken);
            Assert.InRange(serverConnections, 1, MaxServerConnections + 20);
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// Sums the server connections pgBouncer holds for the application's pool, from SHOW POOLS on
    /// its admin console, which speaks only the simple query protocol that psql uses.
    /// </summary>
    private static async Task<long> CountPooledServerConnectionsAsync(PlatformInstance platform, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("psql")
        {
            ArgumentList =
            {
                "-h", "127.0.0.1", "-p", platform.PortOf("pgbouncer").ToString(CultureInfo.InvariantCulture),
                "-U", "postgres", "-d", "pgbouncer", "-A", "-F", "|", "-c", "SHOW POOLS",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = platform.Secrets.PostgresPassword;
        using var psql = Process.Start(start) ?? throw new InvalidOperationException("Failed to start psql.");
        var output = await psql.StandardOutput.ReadToEndAsync(cancellationToken);
        await psql.WaitForExitAsync(cancellationToken);
        Assert.True(psql.ExitCode == 0, $"psql SHOW POOLS failed: {await psql.StandardError.ReadToEndAsync(cancellationToken)}");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('|');
        var row = lines.Skip(1).Select(line => line.Split('|')).Single(columns => columns[0] == "luckygas");
        return header
            .Select((name, index) => (name, index))
            .Where(column => column.name.StartsWith("sv_", StringComparison.Ordinal))
            .Sum(column => long.Parse(row[column.index], CultureInfo.InvariantCulture));
    }
}
