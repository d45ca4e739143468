using System.Net;
using System.Security.Cryptography;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace LuckyGas.Tests.ApiKeys;

[Collection(SharedPlatform.Name)]
public sealed class UnknownKeyFloodTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private const int Requests = 10_000;

    private const int Concurrency = 16;

    // Resident memory moves by a few MiB between equal runs as the GC grows and trims its heaps.
    private const long GcNoiseBytes = 24L * 1024 * 1024;

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task RandomKeys_LeaveRedisAndMemoryFlat()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(5));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var warmUpKey = await ApiKeyClients.CreateAsync(admin, "Enterprise", ["read"], cancellationToken);
        var baselineKey = await ApiKeyClients.CreateAsync(admin, "Enterprise", ["read"], cancellationToken);
        var pid = ProcessMemory.FindListener(Platform.PortOf("api-1"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Platform.RedisThroughSentinels());

        // Both paths run once untimed, so that JIT compilation and pools count in neither measurement.
        await FloodAsync(_ => warmUpKey.Secret, Requests / 10, HttpStatusCode.OK, cancellationToken);
        await FloodAsync(_ => RandomKey(), Requests / 10, HttpStatusCode.Unauthorized, cancellationToken);

        var beforeValid = ProcessMemory.ResidentBytes(pid);
        await FloodAsync(_ => baselineKey.Secret, Requests, HttpStatusCode.OK, cancellationToken);
        var afterValid = ProcessMemory.ResidentBytes(pid);

        var keysBefore = await MasterKeyCountAsync(redis);
        await FloodAsync(_ => RandomKey(), Requests, HttpStatusCode.Unauthorized, cancellationToken);
        var afterUnknown = ProcessMemory.ResidentBytes(pid);
        var keysAfter = await MasterKeyCountAsync(redis);

        var validGrowth = afterValid - beforeValid;
        var unknownGrowth = afterUnknown - afterValid;
        output.WriteLine($"api-1 (pid {pid}) resident memory: {Requests} valid-key requests {validGrowth / 1024} KiB, " +
            $"{Requests} unknown-key requests {unknownGrowth / 1024} KiB; Redis keys {keysBefore} -> {keysAfter}");
        Assert.True(keysAfter <= keysBefore, $"Unknown keys added Redis keys: {keysBefore} before, {keysAfter} after.");
        Assert.True(unknownGrowth <= Math.Max(validGrowth, 0) + GcNoiseBytes,
            $"{Requests} unknown keys grew api-1 by {unknownGrowth / 1024} KiB; the same number of valid-key requests " +
            $"grew it by {validGrowth / 1024} KiB.");
    }

    private static string RandomKey() =>
        "lgk_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private async Task FloodAsync(
        Func<int, string> keyOf, int requests, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var next = -1;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            using var client = Platform.App.CreateHttpClient("api-1", "http");
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiKeyClients.BasePath}/tiers");
                request.Headers.Add("X-API-Key", keyOf(index));
                using var response = await client.SendAsync(request, cancellationToken);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, count) => count + 1);
            }
        }));

        Assert.Equal([expected], statuses.Keys);
    }

    private static async Task<long> MasterKeyCountAsync(ConnectionMultiplexer redis)
    {
        var master = redis.GetServers().Single(server => server.IsConnected && !server.IsReplica);
        return await master.DatabaseSizeAsync();
    }
}
