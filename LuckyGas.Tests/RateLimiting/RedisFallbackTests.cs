using System.Collections.Concurrent;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.ApiKeys;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LuckyGas.Tests.RateLimiting;

/// <summary>Stops both Redis nodes of the platform with small limits, then starts them again.</summary>
[Collection(RateLimitPlatform.Name)]
public sealed class RedisFallbackTests(RateLimitPlatformFixture fixture, ITestOutputHelper output)
{
    private const string SwitchedToLocal = "limits requests on its own";

    private const string SwitchedToRedis = "share their rate limits again";

    private static readonly string[] RedisNodes = ["redis-1", "redis-2"];

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task RedisStopped_LimitsLocally_ThenResumesDistributed()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var localKey = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        var sharedKey = await ApiKeyClients.CreateAsync(admin, "Basic", ["read"], cancellationToken);
        using var logs = new LogWatch(Platform.App, ["api-1", "api-2"]);
        var commands = Platform.App.Services.GetRequiredService<ResourceCommandService>();
        using var first = ApiKeyClients.KeyClient(Platform, "api-1", localKey.Secret);

        try
        {
            foreach (var node in RedisNodes)
            {
                var stopped = await commands.ExecuteCommandAsync(node, KnownResourceCommands.StopCommand, cancellationToken);
                Assert.True(stopped.Success, $"Stopping {node} failed: {stopped.Message}");
            }

            // The stop command returns before the process has ended, and until then Redis still counts.
            var notifications = Platform.App.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var node in RedisNodes)
            {
                await notifications.WaitForResourceAsync(node,
                    resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
                    cancellationToken);
            }

            var statuses = new List<HttpStatusCode>();
            for (var request = 0; request < Limit + 3; request++)
            {
                using var response = await first.GetAsync(ReadPath, cancellationToken);
                statuses.Add(response.StatusCode);
            }

            output.WriteLine($"while Redis is stopped: {string.Join(", ", statuses.Select(status => (int)status))}");
            Assert.DoesNotContain(statuses, status => (int)status >= 500);
            Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, Limit), statuses.Take(Limit));
            Assert.All(statuses.Skip(Limit), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

            // The console line arrives through the AppHost's log stream a moment after the response.
            var switchLines = await Eventually.WaitAsync(
                _ => Task.FromResult(logs.Count("api-1", SwitchedToLocal)),
                count => count > 0, TimeSpan.FromSeconds(10), cancellationToken);
            Assert.Equal(1, switchLines);
        }
        finally
        {
            foreach (var node in RedisNodes)
            {
                await commands.ExecuteCommandAsync(node, KnownResourceCommands.StartCommand, CancellationToken.None);
            }

            // Waited for even when an assert failed, so the next test in this platform has Redis.
            await Platform.App.WaitForHealthyAsync(["redis"], TimeSpan.FromMinutes(2), CancellationToken.None);
        }

        // Requests on api-1 find Redis again within a retry interval.
        var recovered = await Eventually.WaitAsync(async token =>
            {
                using var response = await first.GetAsync(ReadPath, token);
                return logs.Count("api-1", SwitchedToRedis);
            },
            count => count > 0, TimeSpan.FromSeconds(60), cancellationToken, TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, recovered);

        // Once api-2 has also switched back, both count in one window again.
        using var probe = Platform.App.CreateHttpClient("api-2", "http");
        await Eventually.WaitAsync(async token =>
            {
                using var response = await probe.GetAsync(AnonymousProbePath, token);

                // The console line of a switch arrives a moment after the response.
                await Task.Delay(TimeSpan.FromMilliseconds(500), token);
                return logs.Count("api-2", SwitchedToLocal) == 0 || logs.Count("api-2", SwitchedToRedis) > 0;
            },
            done => done, TimeSpan.FromSeconds(30), cancellationToken, TimeSpan.FromMilliseconds(500));

        using var sharedFirst = ApiKeyClients.KeyClient(Platform, "api-1", sharedKey.Secret);
        using var second = ApiKeyClients.KeyClient(Platform, "api-2", sharedKey.Secret);
        var remaining = new List<int>();
        for (var request = 0; request < Limit; request++)
        {
            using var response = await (request % 2 == 0 ? sharedFirst : second).GetAsync(ReadPath, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            remaining.Add(ApiKeyClients.IntHeader(response, "RateLimit-Remaining"));
        }

        Assert.Equal([4, 3, 2, 1, 0], remaining);
    }

    private const int Limit = RateLimitPlatformFixture.SmallLimit;

    private const string ReadPath = "/api/v1/customers?pageSize=1";

    private const string AnonymousProbePath = "/api/v1/api-keys/tiers";

    /// <summary>Collects the console lines of resources from now on.</summary>
    private sealed class LogWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new(StringComparer.Ordinal);

        public LogWatch(DistributedApplication app, IEnumerable<string> resources)
        {
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            foreach (var name in resources)
            {
                // The overload that takes the resource follows its orchestrator instance, whose
                // name differs from the resource's, so a watch by the bare name receives no line.
                var resource = model.Resources.Single(candidate => candidate.Name == name);
                var lines = _lines.GetOrAdd(name, _ => new ConcurrentQueue<string>());
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var batch in logs.WatchAsync(resource).WithCancellation(_stop.Token))
                        {
                            foreach (var line in batch)
                            {
                                lines.Enqueue(line.Content);
                            }
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopped by Dispose.
                    }
                });
            }
        }

        /// <summary>Returns how many lines of <paramref name="resource"/> contain <paramref name="text"/>.</summary>
        public int Count(string resource, string text) =>
            _lines[resource].Count(line => line.Contains(text, StringComparison.Ordinal));

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
