using System.Net;
using LuckyGas.Tests.Infrastructure;
using StackExchange.Redis;

namespace LuckyGas.Tests.Topology;

[Collection(SharedPlatform.Name)]
public sealed class RedisSentinelTests(PlatformFixture fixture)
{
    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task Sentinels_AgreeOnReachableMaster()
    {
        var addresses = new List<string>();
        foreach (var sentinel in PlatformConnections.Sentinels)
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(
                Platform.RedisDirect(Platform.PortOf(sentinel), sentinel: true));
            var server = connection.GetServer("127.0.0.1", Platform.PortOf(sentinel));

            var masterAddress = await server.SentinelGetMasterAddressByNameAsync("luckygas");
            Assert.NotNull(masterAddress);
            addresses.Add(masterAddress.ToString()!);

            var quorum = (string?)await server.ExecuteAsync("SENTINEL", "CKQUORUM", "luckygas");
            Assert.StartsWith("OK", quorum, StringComparison.Ordinal);
        }

        Assert.Single(addresses.Distinct());

        var masterEndPoint = (IPEndPoint)EndPointCollection.TryParse(addresses[0])!;
        await using var master = await ConnectionMultiplexer.ConnectAsync(Platform.RedisDirect(masterEndPoint.Port));
        var role = await master.GetServer(masterEndPoint).RoleAsync();
        Assert.Equal("master", role.Value);
    }

    [Fact]
    public async Task MasterWrite_IsReadOnReplica()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var key = $"replication-probe:{Guid.NewGuid()}";

        await using (var client = await ConnectionMultiplexer.ConnectAsync(Platform.RedisThroughSentinels()))
        {
            Assert.True(await client.GetDatabase().StringSetAsync(key, "written", TimeSpan.FromMinutes(5)));
        }

        await using var sentinel = await ConnectionMultiplexer.ConnectAsync(
            Platform.RedisDirect(Platform.PortOf("sentinel-1"), sentinel: true));
        var replicas = await sentinel.GetServer("127.0.0.1", Platform.PortOf("sentinel-1"))
            .SentinelGetReplicaAddressesAsync("luckygas");
        var replicaEndPoint = (IPEndPoint)Assert.Single(replicas);

        await using var replica = await ConnectionMultiplexer.ConnectAsync(Platform.RedisDirect(replicaEndPoint.Port));
        var replicaRole = await replica.GetServer(replicaEndPoint).RoleAsync();
        Assert.Equal("slave", replicaRole.Value);

        var value = await Eventually.WaitAsync(
            async _ => (string?)await replica.GetDatabase().StringGetAsync(key),
            read => read is not null, TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal("written", value);
    }
}
