using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Failover;

/// <summary>
/// Kills, hangs and fails over the Redis master of a platform of its own while the API serves
/// cached reads, and checks that the old master comes back as a replica.
/// </summary>
[Collection(ChaosPlatform.Name)]
public sealed class RedisFailoverTests(OwnPlatformFixture fixture, ITestOutputHelper output)
{
    // Sentinel marks the master down after 2 s and the failover takes about a second more.
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan RejoinTimeout = TimeSpan.FromSeconds(30);

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task MasterKilled_FailsOverAndRejoins()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var result = await FailOverUnderTrafficAsync(
            masterPort => ChaosActions.Kill(Platform.ListenerId(masterPort)), cancellationToken);
        output.WriteLine($"Redis write outage after SIGKILL of the master: {result.Outage.TotalSeconds:F2} s; " +
            $"{result.Lost} of {result.Acknowledged} acknowledged writes lost.");

        // The supervisor restarts the old master with the configuration in its state folder; Sentinel
        // turns it into a replica. Clients ask the sentinels, which never name it master again.
        var (role, linkUp) = await WaitForReplicaAsync(result.OldMaster, result.SentinelNames, cancellationToken);
        Assert.Equal("slave", role);
        Assert.True(linkUp, $"{result.OldMaster} is a replica, but its link to the master is down.");
        Assert.DoesNotContain(result.SentinelNames, port => port == Platform.PortOf(result.OldMaster));
        await AssertOneMasterAsync();
    }

    [Fact]
    public async Task MasterHung_FailsOverLikeDeadOne()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        var hungProcess = 0;

        // NOTE: StackExchange.Redis keeps its connection to a master that hangs with the socket open,
        // so clients write again only once the hung process resumes (or dies) and learns from Sentinel
        // that it is a replica now. The process is resumed right after the sentinels agree on the new
        // master; the outage below includes that wait.
        var result = await FailOverUnderTrafficAsync(masterPort =>
        {
            hungProcess = Platform.ListenerId(masterPort);
            ChaosActions.Signal(hungProcess, "STOP");
        }, cancellationToken, afterFailover: () => ChaosActions.Signal(hungProcess, "CONT"));
        output.WriteLine($"Redis write outage after SIGSTOP of the master: {result.Outage.TotalSeconds:F2} s; " +
            $"{result.Lost} of {result.Acknowledged} acknowledged writes lost.");

        var (role, linkUp) = await WaitForReplicaAsync(result.OldMaster, result.SentinelNames, cancellationToken);
        Assert.Equal("slave", role);
        Assert.True(linkUp, $"{result.OldMaster} is a replica, but its link to the master is down.");
        Assert.DoesNotContain(result.SentinelNames, port => port == Platform.PortOf(result.OldMaster));
        await AssertOneMasterAsync();
    }

    [Fact]
    public async Task FailoverCommand_MovesMaster()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var before = await WaitForStableClusterAsync(cancellationToken);

        var commands = Platform.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("redis", "redis-failover", cancellationToken);

        Assert.True(result.Success, result.Message);
        var after = await RedisProbes.AgreedMasterPortAsync(Platform);
        Assert.NotNull(after);
        Assert.NotEqual(before, after);
        var (role, _) = await Eventually.WaitAsync(_ => RedisProbes.RoleAsync(Platform, RedisProbes.NodeOf(Platform, before)),
            state => state.Role == "slave" && state.LinkUp, RejoinTimeout, cancellationToken);
        Assert.Equal("slave", role);
    }

    /// <summary>
    /// Runs cached reads through both API instances and Redis writes through the sentinels, applies
    /// <paramref name="fault"/> to the master, waits until the sentinels name the other node, runs
    /// <paramref name="afterFailover"/>, and waits until a write succeeds again.
    /// </summary>
    private async Task<FailoverResult> FailOverUnderTrafficAsync(
        Action<int> fault, CancellationToken cancellationToken, Action? afterFailover = null)
    {
        var masterPort = await WaitForStableClusterAsync(cancellationToken);
        var oldMaster = RedisProbes.NodeOf(Platform, masterPort);

        using var first = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        using var second = await ApiClients.AdminAsync(Platform, "api-2", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(first, cancellationToken);
        var statuses = new ConcurrentQueue<int>();
        var writer = new RedisWriter(Platform.RedisThroughSentinels());
        var sentinelNames = new ConcurrentBag<int>();

        using var stop = new CancellationTokenSource();
        var reading = ReadCustomersAsync([first, second], customerId, statuses, stop.Token);
        var writing = writer.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        var faultAt = writer.Now;
        fault(masterPort);

        var newMaster = await Eventually.WaitAsync(_ => RedisProbes.AgreedMasterPortAsync(Platform),
            port => port is not null && port != masterPort, FailoverTimeout, cancellationToken);
        Assert.True(newMaster is not null, $"The sentinels did not agree on a master {FailoverTimeout.TotalSeconds:F0} s after the fault.");
        Assert.True(newMaster != masterPort,
            $"The sentinels still named port {masterPort} ({oldMaster}) {FailoverTimeout.TotalSeconds:F0} s after the fault.");
        afterFailover?.Invoke();

        // Keep the traffic on while the old master comes back, recording what the sentinels name.
        var watchUntil = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < watchUntil || !writer.Acknowledged.Any(write => write.At > faultAt))
        {
            foreach (var port in await RedisProbes.MasterPortsAsync(Platform))
            {
                if (port is { } named)
                {
                    sentinelNames.Add(named);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            Assert.True(writer.Now - faultAt < TimeSpan.FromSeconds(60), "No Redis write succeeded within 60 s of the fault.");
        }

        await stop.CancelAsync();
        await Task.WhenAll(reading, writing);

        Assert.NotEmpty(statuses);
        Assert.DoesNotContain(statuses, status => status >= 500);
        Assert.All(statuses, status => Assert.Equal(200, status));

        var lost = await CountLostAsync(writer);
        return new FailoverResult(oldMaster, writer.OutageAround(faultAt)!.Value, writer.Acknowledged.Count, lost, sentinelNames);
    }

    private async Task<int> WaitForStableClusterAsync(CancellationToken cancellationToken)
    {
        var known = await Eventually.WaitAsync(_ => RedisProbes.EverySentinelKnowsReplicaAsync(Platform),
            ready => ready, TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromSeconds(1));
        Assert.True(known, "Not every sentinel listed a connected replica within 60 s.");
        var master = await RedisProbes.AgreedMasterPortAsync(Platform);
        Assert.NotNull(master);
        return master.Value;
    }

    private async Task<(string Role, bool LinkUp)> WaitForReplicaAsync(
        string node, ConcurrentBag<int> sentinelNames, CancellationToken cancellationToken)
    {
        return await Eventually.WaitAsync(async _ =>
        {
            foreach (var port in await RedisProbes.MasterPortsAsync(Platform))
            {
                if (port is { } named)
                {
                    sentinelNames.Add(named);
                }
            }

            return await RedisProbes.RoleAsync(Platform, node);
        }, state => state.Role == "slave" && state.LinkUp, RejoinTimeout, cancellationToken, TimeSpan.FromMilliseconds(500));
    }

    private async Task AssertOneMasterAsync()
    {
        var roles = await Task.WhenAll(RedisProbes.Nodes.Select(node => RedisProbes.RoleAsync(Platform, node)));
        Assert.Single(roles, role => role.Role == "master");
    }

    private async Task<int> CountLostAsync(RedisWriter writer)
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Platform.RedisThroughSentinels());
        var database = connection.GetDatabase();
        var lost = 0;
        foreach (var (key, _) in writer.Acknowledged)
        {
            if (!await database.KeyExistsAsync(key))
            {
                lost++;
            }
        }

        return lost;
    }

    private static async Task ReadCustomersAsync(
        HttpClient[] clients, long customerId, ConcurrentQueue<int> statuses, CancellationToken stop)
    {
        for (var request = 0; !stop.IsCancellationRequested; request++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var response = await clients[request % clients.Length].GetAsync($"/api/v1/customers/{customerId}", timeout.Token);
                statuses.Enqueue((int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                statuses.Enqueue(0);
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>The outcome of one failover; <c>SentinelNames</c> collects every master port a sentinel named.</summary>
    private sealed record FailoverResult(string OldMaster, TimeSpan Outage, int Acknowledged, int Lost, ConcurrentBag<int> SentinelNames);
}
