using System.Text.RegularExpressions;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Bench;

/// <summary>
/// Runs each script in bench/ that can attach to a platform in its smoke mode, so that a script
/// that no longer works fails the suite rather than the next person who measures.
/// </summary>
[Collection(BenchPlatform.Name)]
public sealed class BenchScriptSmokeTests(BenchPlatformFixture fixture)
{
    [Theory]
    [InlineData("http.sh", @"API cached read, direct\s+\d+")]
    [InlineData("pooling.sh", @"ratio, through pgBouncer / directly: \d+\.\d+")]
    [InlineData("writes.sh", @"ratio, API / pgbench: \d+\.\d+")]
    [InlineData("cache.sh", @"cache off: [1-9]\d* customers statements")]
    [InlineData("edge-load.sh", @"\n50\s+[1-9]\d*\s")]
    [InlineData("backup-restore-drill.sh", @"row counts match the backup: yes")]
    public async Task Script_PrintsFiguresInSmokeMode(string script, string expectedFigure)
    {
        var result = await RunAsync(script, TestContext.Token(TimeSpan.FromMinutes(4)));

        Assert.True(result.ExitCode == 0, $"bench/{script} --smoke exited with {result.ExitCode}:\n{result.Output}");
        Assert.Matches(new Regex(expectedFigure), result.Output);
        var secrets = fixture.Platform.Secrets;
        foreach (var secret in new[] { secrets.AdminPassword, secrets.DatabasePassword, secrets.PostgresPassword, secrets.BackupEncryptionKey })
        {
            Assert.DoesNotContain(secret, result.Output, StringComparison.Ordinal);
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(string script, CancellationToken cancellationToken) =>
        BenchScript.RunSmokeAsync(script, new Dictionary<string, string>
        {
            ["LUCKYGAS_STATE"] = fixture.StateDirectory,
            ["LUCKYGAS_ADMIN_PASSWORD"] = fixture.Platform.Secrets.AdminPassword,
            ["LUCKYGAS_DB_PASSWORD"] = fixture.Platform.Secrets.DatabasePassword,
            ["LUCKYGAS_POSTGRES_PASSWORD"] = fixture.Platform.Secrets.PostgresPassword,
            ["LUCKYGAS_BACKUP_KEY"] = fixture.Platform.Secrets.BackupEncryptionKey,
        }, cancellationToken);
}
