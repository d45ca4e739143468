using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

[Collection(MonitoringPlatform.Name)]
public sealed class PrometheusTests(MonitoringPlatformFixture fixture)
{
    private static readonly string[] s_expectedTargets =
    [
        "api-1", "api-2", "web-1", "web-2", "backup-worker",
        "postgres-1", "postgres-2", "postgres-3",
        "redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3",
        "node-exporter", "prometheus", "alertmanager",
    ];

    [Fact]
    public async Task Targets_EveryTargetUp()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var prometheus = Client("prometheus");

        // A target is scraped every 15 s, so the first scrape of each lands within about 15 s of start.
        var targets = await Eventually.WaitAsync(
            token => GetTargetsAsync(prometheus, token),
            targets => s_expectedTargets.All(name => targets.GetValueOrDefault(name) == "up"),
            TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromSeconds(2));

        foreach (var name in s_expectedTargets)
        {
            Assert.True(targets.GetValueOrDefault(name) == "up",
                $"Target {name} is {targets.GetValueOrDefault(name) ?? "missing"}: {string.Join(", ", targets)}");
        }
    }

    [Fact]
    public async Task AlertRules_EverySelectedMetricExists()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        using var prometheus = Client("prometheus");
        // The backup gauges report the last successful backup, so one backup must have run.
        await RunBackupAsync(cancellationToken);
        // Wait for every target's first scrape, so that missing names are really missing.
        await Eventually.WaitAsync(token => GetTargetsAsync(prometheus, token),
            targets => s_expectedTargets.All(name => targets.GetValueOrDefault(name) == "up"),
            TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(16), cancellationToken);

        var names = await GetMetricNamesAsync(prometheus, cancellationToken);
        var missing = AlertRules.Load()
            .SelectMany(rule => AlertRules.SelectedMetrics(rule.Expression).Select(metric => (rule.Name, Metric: metric)))
            .Where(pair => !names.Contains(pair.Metric))
            .Select(pair => $"{pair.Metric} ({pair.Name})")
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, "Metrics that no target exports: " + string.Join(", ", missing));
    }

    private async Task RunBackupAsync(CancellationToken cancellationToken)
    {
        using var admin = await LuckyGas.Tests.Api.ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var started = await admin.PostAsync("/api/v1/admin/backups", null, cancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString();

        var run = await Eventually.WaitAsync(async token =>
            {
                using var response = await admin.GetAsync($"/api/v1/admin/backups/runs/{id}", token);
                return (await response.Content.ReadFromJsonAsync<JsonElement>(token)).Clone();
            },
            body => body.GetProperty("status").GetString() != "Running",
            TimeSpan.FromMinutes(2), cancellationToken, TimeSpan.FromSeconds(1));
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RenderedConfig_PassesPromtoolCheck()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var config = Path.Combine(fixture.StateDirectory, "prometheus", "prometheus.yml");

        var (exitCode, output) = await Promtool.RunAsync(null, cancellationToken, "check", "config", config);

        Assert.True(exitCode == 0, output);
        Assert.Contains("scrape_interval: 15s", await File.ReadAllTextAsync(config, cancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestAlert_ReachesWebhookThroughAlertmanager()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var alertmanager = Client("alertmanager");
        using var prometheus = Client("prometheus");
        var alertName = $"LuckyGasTestAlert{Guid.NewGuid():N}";
        var alert = new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = alertName, ["severity"] = "warning" },
                annotations = new Dictionary<string, string> { ["summary"] = "A test alert.", ["runbook"] = "docs/runbook.md" },
                startsAt = DateTimeOffset.UtcNow,
            },
        };

        using var posted = await alertmanager.PostAsJsonAsync("/api/v2/alerts", alert, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        // group_wait is 10 s.
        var delivered = await Eventually.WaitAsync(
            _ => Task.FromResult(fixture.Webhook.Bodies.Any(body => body.Contains(alertName, StringComparison.Ordinal))),
            found => found, TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromSeconds(1));
        Assert.True(delivered, $"The webhook received {fixture.Webhook.Bodies.Count} requests, none naming {alertName}.");

        using var alertmanagers = await prometheus.GetAsync("/api/v1/alertmanagers", cancellationToken);
        var active = (await alertmanagers.Content.ReadFromJsonAsync<JsonElement>(cancellationToken))
            .GetProperty("data").GetProperty("activeAlertmanagers");
        Assert.Equal(1, active.GetArrayLength());
    }

    private HttpClient Client(string resource) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Platform.PortOf(resource)}") };

    /// <summary>Returns each active target's health by its resource label.</summary>
    private static async Task<Dictionary<string, string>> GetTargetsAsync(HttpClient prometheus, CancellationToken cancellationToken)
    {
        var body = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets?state=active", cancellationToken);
        return body.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(
            target => target.GetProperty("labels").GetProperty("resource").GetString()!,
            target => target.GetProperty("health").GetString()!);
    }

    private static async Task<HashSet<string>> GetMetricNamesAsync(HttpClient prometheus, CancellationToken cancellationToken)
    {
        var body = await prometheus.GetFromJsonAsync<JsonElement>("/api/v1/label/__name__/values", cancellationToken);
        return body.GetProperty("data").EnumerateArray().Select(name => name.GetString()!).ToHashSet(StringComparer.Ordinal);
    }
}
