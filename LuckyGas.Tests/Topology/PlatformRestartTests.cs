using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;

namespace LuckyGas.Tests.Topology;

/// <summary>Starts and stops its own platform twice on one state folder.</summary>
public sealed class PlatformRestartTests : IDisposable
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("luckygas-restart-").FullName;
    private readonly PlatformSecrets _secrets = new();

    [Fact]
    public async Task Restart_KeepsDataAndLeavesNoProcess()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(15));
        var marker = Guid.NewGuid().ToString();
        var redisKey = $"restart-probe:{marker}";

        await using (var first = await PlatformInstance.StartAsync(_stateDirectory, _secrets, cancellationToken))
        {
            await PlatformConnections.ExecuteAsync(first.ThroughPgBouncer(),
                "CREATE TABLE IF NOT EXISTS restart_probe (marker text PRIMARY KEY)", cancellationToken);
            await PlatformConnections.ExecuteAsync(first.ThroughPgBouncer(),
                $"INSERT INTO restart_probe VALUES ('{marker}')", cancellationToken);

            await using var redis = await ConnectionMultiplexer.ConnectAsync(first.RedisThroughSentinels());
            Assert.True(await redis.GetDatabase().StringSetAsync(redisKey, marker, TimeSpan.FromHours(1)));
        }

        await AssertNoProcessLeftAsync(cancellationToken);

        await using (var second = await PlatformInstance.StartAsync(_stateDirectory, _secrets, cancellationToken))
        {
            var rows = await PlatformConnections.ScalarAsync<long>(second.ThroughPgBouncer(),
                $"SELECT count(*) FROM restart_probe WHERE marker = '{marker}'", cancellationToken);
            Assert.Equal(1, rows);

            var primary = await PlatformConnections.ScalarAsync<bool>(second.Superuser("postgres-1"),
                "SELECT NOT pg_is_in_recovery()", cancellationToken);
            Assert.True(primary, "postgres-1 should still be the primary after a restart without failover.");

            await using var redis = await ConnectionMultiplexer.ConnectAsync(second.RedisThroughSentinels());
            Assert.Equal(marker, (string?)await redis.GetDatabase().StringGetAsync(redisKey));
        }

        await AssertNoProcessLeftAsync(cancellationToken);
    }

    public void Dispose() => TestState.Delete(_stateDirectory);

    private async Task AssertNoProcessLeftAsync(CancellationToken cancellationToken)
    {
        // Processes get a few seconds to finish their shutdown after the AppHost stops.
        var survivors = await Eventually.WaitAsync(
            _ => Task.FromResult(ProcessesUsing(_stateDirectory)),
            processes => processes.Count == 0, TimeSpan.FromSeconds(15), cancellationToken);

        Assert.True(survivors.Count == 0,
            $"Processes still use {_stateDirectory} after the platform stopped:\n{string.Join('\n', survivors)}");
    }

    /// <summary>Lists processes whose command line or working folder is inside the state folder.</summary>
    private static List<string> ProcessesUsing(string stateDirectory)
    {
        var found = new List<string>();
        foreach (var processDirectory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(processDirectory), out var processId))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(processDirectory, "cmdline")).Replace('\0', ' ');
                var workingDirectory = new FileInfo(Path.Combine(processDirectory, "cwd")).LinkTarget ?? "";
                if (commandLine.Contains(stateDirectory, StringComparison.Ordinal) ||
                    workingDirectory.StartsWith(stateDirectory, StringComparison.Ordinal))
                {
                    found.Add($"{processId}: {commandLine.Trim()} (in {workingDirectory})");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was being read.
            }
        }

        return found;
    }
}
