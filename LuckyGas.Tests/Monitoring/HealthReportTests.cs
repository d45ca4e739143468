using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;

namespace LuckyGas.Tests.Monitoring;

[Collection(MonitoringPlatform.Name)]
public sealed class HealthReportTests(MonitoringPlatformFixture fixture)
{
    // The API's default Monitoring:CheckTimeout.
    private static readonly TimeSpan s_checkTimeout = TimeSpan.FromSeconds(3);

    private static readonly string[] s_nodes = ["postgres-1", "postgres-2", "postgres-3"];

    [Fact]
    public async Task Report_ListsEveryDependency()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        // The host entry depends on the machine, which other work shares, so only the platform's
        // own dependencies must be Healthy.
        var report = await Eventually.WaitAsync(
            token => GetReportAsync(client, "/api/v1/health/comprehensive", token),
            report => UnhealthyDependencies(report).Count == 0, TimeSpan.FromSeconds(60), cancellationToken,
            TimeSpan.FromSeconds(2));

        Assert.True(UnhealthyDependencies(report).Count == 0, report.ToString());
        var hostHealthy = Entry(report, "host").GetProperty("status").GetString() == "Healthy";
        Assert.Equal(hostHealthy ? "Healthy" : "Degraded", report.GetProperty("status").GetString());
        Assert.True(report.TryGetProperty("checkedAt", out _));
        var kinds = Entries(report).Select(entry => entry.GetProperty("kind").GetString()).ToList();
        Assert.Single(kinds, kind => kind == "postgres-primary");
        Assert.Equal(2, kinds.Count(kind => kind == "postgres-standby"));
        Assert.Contains("pgbouncer", kinds);
        Assert.Single(kinds, kind => kind == "redis-master");
        Assert.Single(kinds, kind => kind == "redis-replica");
        Assert.Contains("redis-sentinel", kinds);
        Assert.Contains("host", kinds);
        var names = Entries(report).Select(entry => entry.GetProperty("name").GetString()).ToList();
        Assert.Contains("redis-master", names);
        Assert.Contains("read-routing", names);

        var sentinels = Entry(report, "redis-sentinels").GetProperty("data");
        Assert.True(sentinels.GetProperty("masterAgreed").GetBoolean(), sentinels.ToString());
        Assert.True(sentinels.GetProperty("quorumReached").GetBoolean(), sentinels.ToString());
        Assert.Equal(3, sentinels.GetProperty("reachableSentinels").GetInt32());
        var pools = Entry(report, "pgbouncer").GetProperty("data");
        Assert.True(pools.GetProperty("pools").GetArrayLength() > 0, pools.ToString());
        var redisMaster = Entries(report).Single(entry => entry.GetProperty("kind").GetString() == "redis-master").GetProperty("data");
        Assert.Equal(512L * 1024 * 1024, redisMaster.GetProperty("maxMemoryBytes").GetInt64());
    }

    [Fact]
    public async Task Report_AlsoAtHealthRoot_AdminsOnly()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);
        using var anonymous = Aspire.Hosting.Testing.DistributedApplicationHostingTestingExtensions.CreateHttpClient(
            fixture.Platform.App, "api-2", "http");

        var report = await GetReportAsync(admin, "/api/v1/health", cancellationToken);
        using var rejected = await anonymous.GetAsync("/api/v1/health/comprehensive", cancellationToken);
        using var alive = await anonymous.GetAsync("/alive", cancellationToken);

        Assert.NotEmpty(Entries(report));
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Report_HostFigures_AgreeWithProc()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        var host = Entry(await GetReportAsync(client, "/api/v1/health/comprehensive", cancellationToken), "host").GetProperty("data");
        var memInfo = File.ReadAllLines("/proc/meminfo")
            .Select(line => line.Split(':', 2))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024);
        var drive = new DriveInfo(fixture.StateDirectory);

        Assert.Equal(memInfo["MemTotal"], host.GetProperty("memoryTotalBytes").GetInt64());
        // Available memory moves while the platform runs: allow 10% of the total.
        Assert.InRange(host.GetProperty("memoryAvailableBytes").GetInt64(),
            memInfo["MemAvailable"] - memInfo["MemTotal"] / 10, memInfo["MemAvailable"] + memInfo["MemTotal"] / 10);
        Assert.Equal(drive.TotalSize, host.GetProperty("diskTotalBytes").GetInt64());
        Assert.InRange(host.GetProperty("diskAvailableBytes").GetInt64(),
            drive.AvailableFreeSpace - 1024L * 1024 * 1024, drive.AvailableFreeSpace + 1024L * 1024 * 1024);
        Assert.Equal(Environment.ProcessorCount, host.GetProperty("cpuCount").GetInt32());
        Assert.InRange(host.GetProperty("cpuPercent").GetDouble(), 0, 100);
    }

    [Fact]
    public async Task Report_StandbyStopped_ReportsItDownAndDegraded()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var app = fixture.Platform.App;
        var standby = await FindStandbyAsync(client, cancellationToken);
        var name = $"postgres 127.0.0.1:{fixture.Platform.PortOf(standby)}";

        await ExecuteAsync(app, standby, KnownResourceCommands.StopCommand, cancellationToken);
        try
        {
            var report = await Eventually.WaitAsync(
                token => GetReportAsync(client, "/api/v1/health/comprehensive", token),
                report => Entry(report, name).GetProperty("status").GetString() == "Unhealthy",
                TimeSpan.FromSeconds(30), cancellationToken, TimeSpan.FromSeconds(1));

            Assert.Equal("Unhealthy", Entry(report, name).GetProperty("status").GetString());
            Assert.False(Entry(report, name).GetProperty("data").GetProperty("reachable").GetBoolean());
            Assert.True(report.GetProperty("status").GetString() == "Degraded", report.ToString());
        }
        finally
        {
            await ExecuteAsync(app, standby, KnownResourceCommands.StartCommand, cancellationToken);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(standby, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);
        }
    }

    [Fact]
    public async Task Report_RedisReplicaPaused_AnswersWithinTimeout()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var before = await GetReportAsync(client, "/api/v1/health/comprehensive", cancellationToken);
        var replica = Entries(before).Single(entry => entry.GetProperty("kind").GetString() == "redis-replica")
            .GetProperty("data").GetProperty("endpoint").GetString()!;

        // CLIENT PAUSE ALL delays every client's commands, as a hung server would. The replica is
        // paused rather than the master, because Sentinel fails a master over after 2 s.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(
            $"{replica},password={fixture.Platform.Secrets.RedisPassword},allowAdmin=true"))
        {
            await redis.GetServer(replica).ExecuteAsync("CLIENT", "PAUSE", "10000", "ALL");
        }

        var stopwatch = Stopwatch.StartNew();
        var report = await GetReportAsync(client, "/api/v1/health/comprehensive", cancellationToken);
        var elapsed = stopwatch.Elapsed;

        Assert.True(elapsed < s_checkTimeout + TimeSpan.FromSeconds(2), $"The report took {elapsed.TotalSeconds:F1} s.");
        var redisEntry = Entry(report, "redis");
        Assert.Equal("Unhealthy", redisEntry.GetProperty("status").GetString());
        Assert.Contains("timed out", redisEntry.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Let the pause end before the next test.
        await Task.Delay(TimeSpan.FromSeconds(8), cancellationToken);
    }

    internal static async Task<JsonElement> GetReportAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private static List<string> UnhealthyDependencies(JsonElement report) =>
        Entries(report)
            .Where(entry => entry.GetProperty("name").GetString() != "host")
            .Where(entry => entry.GetProperty("status").GetString() != "Healthy")
            .Select(entry => entry.GetProperty("name").GetString()!)
            .ToList();

    private static List<JsonElement> Entries(JsonElement report) => [.. report.GetProperty("entries").EnumerateArray()];

    private static JsonElement Entry(JsonElement report, string name) =>
        Entries(report).SingleOrDefault(entry => entry.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } entry
            ? entry
            : throw new Xunit.Sdk.XunitException($"The report has no entry '{name}': {report}");

    private async Task<string> FindStandbyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var report = await GetReportAsync(client, "/api/v1/health/comprehensive", cancellationToken);
        var standbyEndpoint = Entries(report).First(entry => entry.GetProperty("kind").GetString() == "postgres-standby")
            .GetProperty("data").GetProperty("endpoint").GetString()!;
        return s_nodes.Single(node => standbyEndpoint.EndsWith($":{fixture.Platform.PortOf(node)}", StringComparison.Ordinal));
    }

    private static async Task ExecuteAsync(DistributedApplication app, string resource, string command, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        Assert.True(result.Success, $"{command} on {resource} failed: {result.Message}");
    }
}
