using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Api.Infrastructure.Caching;
using LuckyGas.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Api;

/// <summary>Counts the statements that read a table, on every PostgreSQL node of a platform.</summary>
internal static class TableScans
{
    /// <summary>
    /// The quiet time after which the counts are complete. A server process that flushed its
    /// counts less than a second before going idle keeps the new ones for up to 10 s
    /// (PGSTAT_IDLE_INTERVAL in PostgreSQL 15), so a shorter wait can miss statements.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(11);

    /// <summary>
    /// Returns the sequential plus index scans of <paramref name="table"/>, summed over the three
    /// nodes. Each statement that reads the table by its primary key counts one, whichever node
    /// served it, because the API reads from the standbys as well as the primary.
    /// </summary>
    public static async Task<long> CountAsync(PlatformInstance platform, string table, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            // A new connection per count, because pg_stat_* views return one snapshot per transaction.
            total += await PlatformConnections.ScalarAsync<long>(platform.Superuser(node, "luckygas"),
                "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)::bigint " +
                $"FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = '{table}'",
                cancellationToken);
        }

        return total;
    }

    /// <summary>Returns the count once it has not changed for <see cref="SettleTime"/>.</summary>
    public static async Task<long> SettledCountAsync(PlatformInstance platform, string table, CancellationToken cancellationToken)
    {
        var count = await CountAsync(platform, table, cancellationToken);
        var unchangedSince = Stopwatch.StartNew();
        while (unchangedSince.Elapsed < SettleTime)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var current = await CountAsync(platform, table, cancellationToken);
            if (current != count)
            {
                count = current;
                unchangedSince.Restart();
            }
        }

        return count;
    }
}

/// <summary>Reads what the read cache reported on a response.</summary>
internal static class CacheResponse
{
    /// <summary>Returns the single value of the <c>X-Cache</c> response header.</summary>
    public static string Outcome(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues(CacheHeaders.Outcome));
}

[Collection(SharedPlatform.Name)]
public sealed class CacheTests(PlatformFixture fixture, ITestOutputHelper output)
{
    // Cached reads counted 0 scans in every run so far, and the same number of uncached reads
    // counts one scan each. The margin keeps a future background job that reads these tables
    // from failing the tests.
    private const long MaxUnrelatedScans = 2;

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task CustomerGet_FromCache_SkipsDatabase()
    {
        const int reads = 100;
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        using var first = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var second = await ApiClients.AdminAsync(Platform, "api-2", cancellationToken);
        var id = await ApiClients.CreateCustomerAsync(first, cancellationToken);

        var beforeFill = await TableScans.SettledCountAsync(Platform, "customers", cancellationToken);
        using (var fill = await first.GetAsync($"/api/v1/customers/{id}", cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, fill.StatusCode);
            Assert.Equal("miss", CacheResponse.Outcome(fill));
        }

        var afterFill = await TableScans.SettledCountAsync(Platform, "customers", cancellationToken);
        Assert.True(afterFill - beforeFill >= 1, $"The miss should read customers once; scans went from {beforeFill} to {afterFill}.");

        var outcomes = new List<string>();
        for (var read = 0; read < reads; read++)
        {
            using var response = await (read % 2 == 0 ? first : second).GetAsync($"/api/v1/customers/{id}", cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            outcomes.Add(CacheResponse.Outcome(response));
        }

        var afterCached = await TableScans.SettledCountAsync(Platform, "customers", cancellationToken);
        Assert.All(outcomes, outcome => Assert.Equal("hit", outcome));
        Assert.True(afterCached - afterFill <= MaxUnrelatedScans,
            $"{reads} cached reads scanned customers {afterCached - afterFill} times.");

        for (var read = 0; read < reads; read++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/{id}");
            request.Headers.Add(CacheHeaders.Bypass, "1");
            using var response = await (read % 2 == 0 ? first : second).SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("bypass", CacheResponse.Outcome(response));
        }

        var afterBypass = await Eventually.WaitAsync(
            token => TableScans.CountAsync(Platform, "customers", token),
            count => count - afterCached >= reads, TableScans.SettleTime, cancellationToken);
        output.WriteLine($"customers scans: fill {afterFill - beforeFill}, {reads} cached reads {afterCached - afterFill}, " +
            $"{reads} bypassing reads {afterBypass - afterCached}");
        Assert.True(afterBypass - afterCached >= reads,
            $"{reads} reads that bypass the cache should scan customers {reads} times, not {afterBypass - afterCached}.");
    }

    [Fact]
    public async Task CustomerUpdate_OnApi1_IsReadOnApi2()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var writer = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var reader = await ApiClients.AdminAsync(Platform, "api-2", cancellationToken);
        var id = await ApiClients.CreateCustomerAsync(writer, cancellationToken);
        var path = $"/api/v1/customers/{id}";

        var (_, missOutcome) = await GetNameAsync(reader, path, cancellationToken);
        var (oldName, hitOutcome) = await GetNameAsync(reader, path, cancellationToken);
        Assert.Equal("miss", missOutcome);
        Assert.Equal("hit", hitOutcome);

        var body = ApiClients.ValidCustomer();
        var newName = $"更新 {Guid.NewGuid():N}"[..20];
        body["name"] = newName;
        using (var updated = await writer.PutAsJsonAsync(path, body, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        // No consistency token: the next read on the other instance must see the update anyway.
        var (readAfterUpdate, outcomeAfterUpdate) = await GetNameAsync(reader, path, cancellationToken);
        var (readAgain, outcomeAgain) = await GetNameAsync(reader, path, cancellationToken);
        var (readOnWriter, outcomeOnWriter) = await GetNameAsync(writer, path, cancellationToken);

        Assert.NotEqual(oldName, newName);
        Assert.Equal(newName, readAfterUpdate);
        Assert.Equal("miss", outcomeAfterUpdate);
        Assert.Equal(newName, readAgain);
        Assert.Equal("hit", outcomeAgain);
        Assert.Equal(newName, readOnWriter);
        Assert.Equal("hit", outcomeOnWriter);
    }

    [Fact]
    public async Task CustomerGet_BypassFromDispatcher_IsIgnored()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var id = await ApiClients.CreateCustomerAsync(admin, cancellationToken);
        var userName = $"dispatch{Guid.NewGuid():N}"[..20];
        var password = Guid.NewGuid().ToString("N");
        using (var created = await admin.PostAsJsonAsync("/api/v1/auth/users",
            new { userName, displayName = "Cache test dispatcher", password, role = "Dispatcher" }, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var dispatcher = Platform.App.CreateHttpClient("api-1", "http");
        using (var token = await dispatcher.PostAsJsonAsync("/api/v1/auth/token", new { userName, password }, cancellationToken))
        {
            token.EnsureSuccessStatusCode();
            var body = await token.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
            dispatcher.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        }

        var outcomes = new List<string>();
        for (var read = 0; read < 2; read++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/{id}");
            request.Headers.Add(CacheHeaders.Bypass, "1");
            using var response = await dispatcher.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            outcomes.Add(CacheResponse.Outcome(response));
        }

        Assert.Equal(["miss", "hit"], outcomes);
    }

    [Fact]
    public async Task OrderPrice_FromCache_SkipsDatabase()
    {
        const int orders = 5;
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        using var first = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var second = await ApiClients.AdminAsync(Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(first, cancellationToken);
        var expectedPrice = await PlatformConnections.ScalarAsync<int>(Platform.ThroughPgBouncer(),
            "SELECT price_ntd FROM cylinder_prices WHERE size_kg = 20 " +
            "AND effective_from <= (now() AT TIME ZONE 'Asia/Taipei')::date ORDER BY effective_from DESC LIMIT 1",
            cancellationToken);

        // The first order fills the cache unless an earlier order did.
        Assert.Equal(expectedPrice, await CreateOrderAsync(first, customerId, bypass: false, cancellationToken));
        var afterFill = await TableScans.SettledCountAsync(Platform, "cylinder_prices", cancellationToken);

        var cachedPrices = new List<int>();
        for (var order = 0; order < orders; order++)
        {
            cachedPrices.Add(await CreateOrderAsync(order % 2 == 0 ? first : second, customerId, bypass: false, cancellationToken));
        }

        var afterCached = await TableScans.SettledCountAsync(Platform, "cylinder_prices", cancellationToken);
        Assert.All(cachedPrices, price => Assert.Equal(expectedPrice, price));
        Assert.True(afterCached - afterFill <= MaxUnrelatedScans,
            $"{orders} orders priced from the cache scanned cylinder_prices {afterCached - afterFill} times.");

        for (var order = 0; order < orders; order++)
        {
            Assert.Equal(expectedPrice, await CreateOrderAsync(first, customerId, bypass: true, cancellationToken));
        }

        var afterBypass = await Eventually.WaitAsync(
            token => TableScans.CountAsync(Platform, "cylinder_prices", token),
            count => count - afterCached >= orders, TableScans.SettleTime, cancellationToken);
        output.WriteLine($"cylinder_prices scans: {orders} cached orders {afterCached - afterFill}, " +
            $"{orders} bypassing orders {afterBypass - afterCached}");
        Assert.True(afterBypass - afterCached >= orders,
            $"{orders} orders that bypass the cache should scan cylinder_prices {orders} times, not {afterBypass - afterCached}.");
    }

    [Fact]
    public async Task CustomerGet_RedisPaused_ReadsDatabase()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var id = await ApiClients.CreateCustomerAsync(client, cancellationToken);
        var path = $"/api/v1/customers/{id}";
        using (var fill = await client.GetAsync(path, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, fill.StatusCode);
        }

        var master = await RedisMasterAsync(cancellationToken);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(Platform.RedisDirect(master.Port));

        // The pause is longer than the API's 500 ms Redis timeout, and shorter than the sentinels'
        // 2 s down-after-milliseconds, so no failover starts.
        await admin.GetServer(master).ExecuteAsync("CLIENT", "PAUSE", "1200", "ALL");
        using var paused = await client.GetAsync(path, cancellationToken);
        using var afterPause = await client.GetAsync(path, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("unavailable", CacheResponse.Outcome(paused));
        Assert.Equal(HttpStatusCode.OK, afterPause.StatusCode);
        Assert.Equal("unavailable", CacheResponse.Outcome(afterPause));

        // After the 5 s retry interval, one request tries Redis again and finds it reachable.
        var recovered = await Eventually.WaitAsync(async token =>
            {
                using var response = await client.GetAsync(path, token);
                return CacheResponse.Outcome(response);
            },
            outcome => outcome == "hit", TimeSpan.FromSeconds(20), cancellationToken, TimeSpan.FromSeconds(1));
        Assert.Equal("hit", recovered);
    }

    private static async Task<(string Name, string Outcome)> GetNameAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var customer = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        return (customer.GetProperty("name").GetString()!, CacheResponse.Outcome(response));
    }

    private static async Task<int> CreateOrderAsync(HttpClient client, long customerId, bool bypass, CancellationToken cancellationToken)
    {
        var body = new
        {
            customerId,
            lines = new[] { new { sizeKg = 20, quantity = 1 } },
            windowStart = DateTimeOffset.UtcNow.AddHours(2),
            windowEnd = DateTimeOffset.UtcNow.AddHours(6),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(body) };
        if (bypass)
        {
            request.Headers.Add(CacheHeaders.Bypass, "1");
        }

        using var response = await client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClients.Json, cancellationToken);
        return order.GetProperty("lines")[0].GetProperty("unitPriceNtd").GetInt32();
    }

    private async Task<IPEndPoint> RedisMasterAsync(CancellationToken cancellationToken)
    {
        var sentinelPort = Platform.PortOf("sentinel-1");
        await using var sentinel = await ConnectionMultiplexer.ConnectAsync(Platform.RedisDirect(sentinelPort, sentinel: true));
        var address = await sentinel.GetServer("127.0.0.1", sentinelPort).SentinelGetMasterAddressByNameAsync("luckygas");
        cancellationToken.ThrowIfCancellationRequested();
        return Assert.IsType<IPEndPoint>(address);
    }
}

/// <summary>The read cache against a Redis that nothing listens for, without the platform.</summary>
public sealed class CacheFallbackTests
{
    [Fact]
    public async Task RedisUnreachable_ReadsDatabaseAndLogsOnce()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var logs = new LogCollector();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", UnusedPort() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 500,
        });
        await using var app = BuildCache(clock, logs, _ => multiplexer);
        var cache = app.Services.GetRequiredService<RedisReadCache>();
        var entry = CacheEntry.Customer(1);

        var outcomes = new List<CacheOutcome>();
        for (var read = 0; read < 3; read++)
        {
            var result = await cache.GetOrLoadAsync(entry,
                _ => Task.FromResult<string?>("latest"), _ => Task.FromResult<string?>("uncached"), CancellationToken.None);
            Assert.Equal("uncached", result.Value);
            outcomes.Add(result.Outcome);

            // Past the retry interval, so every read tries Redis again.
            clock.Advance(TimeSpan.FromSeconds(6));
        }

        await cache.InvalidateAsync(entry);

        Assert.All(outcomes, outcome => Assert.Equal(CacheOutcome.Unavailable, outcome));
        Assert.Single(logs.Entries, log => log.EventId == 4300 && log.Level == LogLevel.Warning);
        Assert.DoesNotContain(logs.Entries, log => log.EventId == 4301);
    }

    [Fact]
    public async Task MultiplexerCreationFails_ReadsDatabase()
    {
        var logs = new LogCollector();
        await using var app = BuildCache(new ManualClock(DateTimeOffset.UtcNow), logs,
            _ => throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, "No sentinel answered."));
        var cache = app.Services.GetRequiredService<RedisReadCache>();

        var result = await cache.GetOrLoadAsync(CacheEntry.Customer(1),
            _ => Task.FromResult<string?>("latest"), _ => Task.FromResult<string?>("uncached"), CancellationToken.None);
        await cache.InvalidateAsync(CacheEntry.Customer(1));

        Assert.Equal("uncached", result.Value);
        Assert.Equal(CacheOutcome.Unavailable, result.Outcome);
        Assert.Single(logs.Entries, log => log.EventId == 4300);
    }

    [Fact]
    public async Task CacheDisabled_ReadsDatabaseWithoutRedis()
    {
        var logs = new LogCollector();
        await using var app = BuildCache(new ManualClock(DateTimeOffset.UtcNow), logs,
            _ => throw new InvalidOperationException("The multiplexer must not be created when the cache is disabled."),
            "--Cache:Enabled=false");
        var cache = app.Services.GetRequiredService<RedisReadCache>();

        var result = await cache.GetOrLoadAsync(CacheEntry.PriceList,
            _ => Task.FromResult<string?>("latest"), _ => Task.FromResult<string?>("uncached"), CancellationToken.None);

        Assert.Equal("uncached", result.Value);
        Assert.Equal(CacheOutcome.Disabled, result.Outcome);
        Assert.Empty(logs.Entries);
    }

    private static WebApplication BuildCache(
        TimeProvider clock, LogCollector logs, Func<IServiceProvider, IConnectionMultiplexer> multiplexer, params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddReadCache();
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        return builder.Build();
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class LogCollector : ILoggerProvider
    {
        public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCollector collector, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("LuckyGas", StringComparison.Ordinal);

            public void Log<TState>(
                LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                lock (collector.Entries)
                {
                    collector.Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}
