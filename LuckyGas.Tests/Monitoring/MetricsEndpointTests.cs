using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

[Collection(MonitoringPlatform.Name)]
public sealed partial class MetricsEndpointTests(MonitoringPlatformFixture fixture)
{
    [Theory]
    [InlineData("api-1")]
    [InlineData("web-1")]
    [InlineData("backup-worker")]
    public async Task Metrics_EachProject_PassesPromtoolCheck(string resource)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient(resource, "http");
        // One request first, so the request instruments have series to show.
        using (await client.GetAsync("/alive", cancellationToken))
        {
        }

        var metrics = await client.GetStringAsync("/metrics", cancellationToken);
        var (exitCode, output) = await Promtool.RunAsync(metrics, cancellationToken, "check", "metrics");

        Assert.True(exitCode == 0, output);
        Assert.Contains("http_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_collections_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Api_ExportsDatabaseAndRedisClientMetrics()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await Api.ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        await Api.ApiClients.CreateCustomerAsync(client, cancellationToken);

        var metrics = await client.GetStringAsync("/metrics", cancellationToken);

        Assert.Contains("db_client_", metrics, StringComparison.Ordinal);
        Assert.Contains("luckygas_redis_client_operations_total", metrics, StringComparison.Ordinal);
        // The database gauges are read at start-up, while counters appear with their first event.
        Assert.Contains("luckygas_business_customers_due_for_refill", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPaths_1000Requests_AddNoSeries()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");
        // A first batch creates the series of unmatched requests (no http_route, status 404) once.
        // The exporter may return a cached scrape for a moment, so the test waits for the series.
        await RequestUnknownPathsAsync(client, 10, cancellationToken);
        var before = await Eventually.WaitAsync(
            async token => Series(await client.GetStringAsync("/metrics", token)),
            series => series.Any(item => item.Contains("http_response_status_code=\"404\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), cancellationToken);

        var paths = await RequestUnknownPathsAsync(client, 1000, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var after = Series(await client.GetStringAsync("/metrics", cancellationToken));

        var added = after.Except(before).Where(series => series.StartsWith("http_server", StringComparison.Ordinal)).ToList();
        Assert.True(added.Count == 0, "New request series: " + string.Join(Environment.NewLine, added.Take(10)));
        var leaked = after.Where(series => paths.Any(path => series.Contains(path, StringComparison.Ordinal))).ToList();
        Assert.True(leaked.Count == 0, "Series that name a requested path: " + string.Join(Environment.NewLine, leaked.Take(10)));
    }

    private static async Task<List<string>> RequestUnknownPathsAsync(HttpClient client, int count, CancellationToken cancellationToken)
    {
        var paths = new List<string>(count);
        for (var index = 0; index < count; index++)
        {
            var path = $"/unknown-{Guid.NewGuid():N}";
            paths.Add(path[1..]);
            using var response = await client.GetAsync(path, cancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        return paths;
    }

    /// <summary>Returns each series of a Prometheus text exposition as its name and labels.</summary>
    private static HashSet<string> Series(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => SeriesKey().Match(line).Value)
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[^ {]+(\{[^}]*\})?")]
    private static partial Regex SeriesKey();
}
