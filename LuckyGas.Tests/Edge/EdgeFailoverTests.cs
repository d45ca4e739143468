using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LuckyGas.Tests.Edge;

/// <summary>Starts its own platform for tests that kill API instances behind the edge.</summary>
public sealed class EdgeFailoverFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("luckygas-edge-").FullName;
    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        // The stream of GET requests must stay under the edge's per-client limit.
        _platform = await PlatformInstance.StartAsync(_stateDirectory, new PlatformSecrets(), timeout.Token,
            "--Edge:ApiRequestsPerSecond=2000", "--Edge:ApiBurst=2000");
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        TestState.Delete(_stateDirectory);
    }
}

/// <summary>
/// Kills API instances while requests flow through the edge, then starts them again through Aspire:
/// idempotent requests move to the other instance, and a POST is never sent twice.
/// </summary>
public sealed class EdgeFailoverTests(EdgeFailoverFixture fixture) : IClassFixture<EdgeFailoverFixture>
{
    private const int Workers = 4;

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task ApiInstanceKilled_UnderGetStream_NoRequestFails()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        using var client = EdgeClients.Create(Platform);
        var token = await EdgeClients.SignInAsync(client, Platform, cancellationToken);

        var results = new ConcurrentQueue<(TimeSpan At, HttpStatusCode Status, string Instance)>();
        var clock = Stopwatch.StartNew();
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (!streaming.IsCancellationRequested)
            {
                using var request = EdgeClients.Authorized(HttpMethod.Get, "/api/v1/customers?pageSize=5", token);
                try
                {
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    var instance = response.Headers.TryGetValues("X-Served-By", out var values) ? values.Single() : "(none)";
                    results.Enqueue((clock.Elapsed, response.StatusCode, instance));
                }
                catch (HttpRequestException exception)
                {
                    // Status 0 marks a request that got no response at all.
                    results.Enqueue((clock.Elapsed, 0, exception.Message));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
            }
        }, CancellationToken.None)).ToList();

        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            await KillAsync("api-1", cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        }
        finally
        {
            await streaming.CancelAsync();
            await Task.WhenAll(workers);
        }

        try
        {
            var all = results.ToList();
            var failed = all.Where(result => result.Status != HttpStatusCode.OK).ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} of {all.Count} requests failed: " +
                string.Join(", ", failed.Take(10).Select(result => $"{(int)result.Status} from {result.Instance} at {result.At.TotalSeconds:F2} s")));
            Assert.True(all.Count > 100, $"Only {all.Count} requests ran, too few to cover the stop.");
            Assert.Contains(all, result => result.Instance == "api-1");
            Assert.Contains(all, result => result.Instance == "api-2");
        }
        finally
        {
            await StartAsync("api-1", cancellationToken);
        }
    }

    [Fact]
    public async Task PostInFlight_ToKilledInstance_IsNotReplayed()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(4));
        using var client = EdgeClients.Create(Platform);
        var token = await EdgeClients.SignInAsync(client, Platform, cancellationToken);
        var customerId = await CreateCustomerAsync(client, token, cancellationToken);

        // With api-2 dead, the edge can send the POST only to api-1.
        await KillAsync("api-2", cancellationToken);

        // A row lock on the customer makes the order's foreign-key check wait, which keeps the
        // POST in flight on api-1 for as long as this transaction lives.
        await using var primary = new NpgsqlConnection(Platform.Superuser("postgres-1", "luckygas"));
        await primary.OpenAsync(cancellationToken);
        await using var lockTransaction = await primary.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM customers WHERE id = $1 FOR UPDATE", primary, lockTransaction))
        {
            lockRow.Parameters.AddWithValue(customerId);
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        using var post = EdgeClients.Authorized(HttpMethod.Post, "/api/v1/orders", token);
        post.Content = JsonContent.Create(new
        {
            customerId,
            lines = new[] { new { sizeKg = 20, quantity = 1 } },
            windowStart = DateTimeOffset.UtcNow.AddHours(2),
            windowEnd = DateTimeOffset.UtcNow.AddHours(6),
        });
        var postTask = client.SendAsync(post, cancellationToken);

        var waiting = await Eventually.WaitAsync(
            token => WaitingOrderInsertsAsync(Platform, token), count => count == 1, TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(waiting == 1, $"Expected one order insert waiting on the row lock, found {waiting}.");
        Assert.False(postTask.IsCompleted, "The POST finished although its insert should be waiting.");

        // Bring api-2 back and wait until the edge sends requests to it again, so a replay could reach it.
        await StartAsync("api-2", cancellationToken);
        var routedTo = await Eventually.WaitAsync(
            token => ServedByAsync(client, token), instance => instance == "api-2", TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Equal("api-2", routedTo);

        try
        {
            await KillAsync("api-1", cancellationToken);

            // A replay to api-2 would wait on the same row lock, still held, so a response now
            // can only be the edge's own error.
            // The kill resets the connection, so the edge returns 502; a 500 would come from api-1.
            using var response = await postTask.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.InternalServerError,
                $"The in-flight POST returned {(int)response.StatusCode}, expected 502 from the edge or 500 from api-1.");
            var servedBy = response.Headers.TryGetValues("X-Served-By", out var values) ? values.Single() : "(edge)";
            Assert.NotEqual("api-2", servedBy);
        }
        finally
        {
            await lockTransaction.RollbackAsync(CancellationToken.None);
        }

        // Nothing was left to commit the order later, on either instance.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var orders = await PlatformConnections.ScalarAsync<long>(Platform.Superuser("postgres-1", "luckygas"),
            $"SELECT count(*) FROM orders WHERE customer_id = {customerId}", cancellationToken);
        Assert.Equal(0, orders);

        await StartAsync("api-1", cancellationToken);
    }

    private static async Task<long> CreateCustomerAsync(HttpClient client, string token, CancellationToken cancellationToken)
    {
        using var request = EdgeClients.Authorized(HttpMethod.Post, "/api/v1/customers", token);
        request.Content = JsonContent.Create(Api.ApiClients.ValidCustomer());
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("id").GetInt64();
    }

    private static Task<long> WaitingOrderInsertsAsync(PlatformInstance platform, CancellationToken cancellationToken) =>
        PlatformConnections.ScalarAsync<long>(platform.Superuser("postgres-1"),
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'luckygas' AND wait_event_type = 'Lock' " +
            "AND query ILIKE '%INSERT INTO orders%'", cancellationToken);

    private static async Task<string> ServedByAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/api/v1/auth/me", cancellationToken);
        return response.Headers.TryGetValues("X-Served-By", out var values) ? values.Single() : "(none)";
    }

    /// <summary>
    /// Kills the instance's process (SIGKILL), as a crash would, and waits until Aspire reports the
    /// resource ended. Aspire's stop command is not used, because in Aspire 13.6.5 it returned
    /// "Failed to stop resource" for these project resources.
    /// </summary>
    private async Task KillAsync(string resourceName, CancellationToken cancellationToken)
    {
        var notifications = Platform.App.Services.GetRequiredService<ResourceNotificationService>();
        Assert.True(notifications.TryGetCurrentState(resourceName, out var current), $"{resourceName} has no state.");
        var pidProperty = current.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid");
        Assert.True(pidProperty?.Value is not null, $"{resourceName} reports no executable.pid.");
        var pid = Convert.ToInt32(pidProperty.Value, System.Globalization.CultureInfo.InvariantCulture);

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await notifications.WaitForResourceAsync(resourceName,
            resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text), timeout.Token);
    }

    private async Task StartAsync(string resourceName, CancellationToken cancellationToken)
    {
        var commands = Platform.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, $"Starting {resourceName} failed: {result.Message}");

        // The last snapshot may still be the stopped one, so wait for Running, then for /health.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await Platform.App.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync(resourceName,
            resourceEvent => resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        using var instance = Platform.App.CreateHttpClient(resourceName, "http");
        var status = await Eventually.WaitAsync(async token =>
        {
            try
            {
                using var response = await instance.GetAsync("/health", token);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, code => code == HttpStatusCode.OK, TimeSpan.FromMinutes(1), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
