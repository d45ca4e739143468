using System.Text.RegularExpressions;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Bench;

/// <summary>
/// Runs the scripts of bench/ that need a platform of their own in their smoke mode: the
/// failover drill kills the primary and the master, and the start-up measure starts and stops
/// the AppHost itself.
/// </summary>
public sealed class OwnPlatformBenchSmokeTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task FailoverDrillSmoke_LosesNoPostgresWrite()
    {
        var result = await BenchScript.RunSmokeAsync("failover-drill.sh", NoEnvironment, TestContext.Token(TimeSpan.FromMinutes(8)));

        Assert.True(result.ExitCode == 0, $"bench/failover-drill.sh --smoke exited with {result.ExitCode}:\n{result.Output}");
        // Commits wait for a standby, so the promoted node has every acknowledged insert.
        Assert.Matches(new Regex(@"postgres: median outage \d+\.\d+ s, maximum \d+\.\d+ s, acknowledged writes lost 0 over 1 runs"),
            result.Output);
        Assert.Matches(new Regex(@"redis: median outage \d+\.\d+ s, maximum \d+\.\d+ s, acknowledged writes lost \d+ over 1 runs"),
            result.Output);
    }

    [Fact]
    public async Task StartupSmoke_PrintsBaselineRatio()
    {
        var result = await BenchScript.RunSmokeAsync("startup.sh", NoEnvironment, TestContext.Token(TimeSpan.FromMinutes(5)));

        Assert.True(result.ExitCode == 0, $"bench/startup.sh --smoke exited with {result.ExitCode}:\n{result.Output}");
        Assert.Matches(new Regex(@"baseline start \(minimal AppHost, one executable\), median of 1: \d+(\.\d+)? s"), result.Output);
        Assert.Matches(new Regex(@"cold start, median of 1: \d+(\.\d+)? s, \d+\.\d times the baseline"), result.Output);
    }
}
