using System.Text.RegularExpressions;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

/// <summary>Checks the alert rules file with promtool, without a platform.</summary>
public sealed partial class AlertRuleTests
{
    [Fact]
    public async Task AlertRules_PassPromtoolCheck()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));

        var (exitCode, output) = await Promtool.RunAsync(null, cancellationToken, "check", "rules", "alert-rules.yml");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task AlertRules_PassPromtoolUnitTests()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));

        var (exitCode, output) = await Promtool.RunAsync(null, cancellationToken, "test", "rules", "alert-rules.test.yml");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void AlertRules_EveryAlert_IsDocumented()
    {
        var rules = AlertRules.Load();
        var tests = File.ReadAllText(Path.Combine(Promtool.MonitoringDirectory, "alert-rules.test.yml"));
        var runbook = File.ReadAllText(Path.Combine(Promtool.MonitoringDirectory, "..", "..", "docs", "runbook.md"));
        var anchors = Heading().Matches(runbook)
            .Select(match => match.Groups[1].Value.Trim().ToLowerInvariant().Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(rules.Count >= 20, $"Only {rules.Count} alerts are defined.");
        foreach (var rule in rules)
        {
            Assert.True(rule.Severity is "critical" or "warning", $"{rule.Name} has severity '{rule.Severity}'.");
            Assert.False(string.IsNullOrWhiteSpace(rule.Summary), $"{rule.Name} has no summary.");
            var anchor = rule.Runbook.Split('#').Last();
            Assert.True(anchors.Contains(anchor), $"{rule.Name} names runbook section #{anchor}, which docs/runbook.md lacks.");
            Assert.Contains($"name: {rule.Name} fires", tests, StringComparison.Ordinal);
            Assert.Contains($"name: {rule.Name} stays quiet", tests, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^##+\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
