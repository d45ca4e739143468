using System.Net;
using System.Net.Http.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>
/// Starts its own platform with a pgBouncer server pool of two connections, so concurrent
/// requests share server connections transaction by transaction.
/// </summary>
public sealed class TinyPoolTests : IDisposable
{
    private const int Clients = 20;
    private const int RequestsPerClient = 10;

    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("luckygas-tinypool-").FullName;

    [Fact]
    public async Task ConcurrentWrites_OnTwoServerConnections_AllSucceed()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(10));
        await using var platform = await PlatformInstance.StartAsync(
            _stateDirectory, new PlatformSecrets(), cancellationToken, "--PgBouncer:DefaultPoolSize=2");

        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(index =>
            ApiClients.AdminAsync(platform, index % 2 == 0 ? "api-1" : "api-2", cancellationToken)));
        try
        {
            // Long values make each statement's parameters span several network packets.
            var longStreet = string.Concat(Enumerable.Repeat("忠孝東路四段", 40))[..190];
            var statuses = await Task.WhenAll(clients.Select(async client =>
            {
                var seen = new List<HttpStatusCode>();
                for (var request = 0; request < RequestsPerClient; request++)
                {
                    var body = ApiClients.ValidCustomer();
                    body["street"] = longStreet;
                    body["name"] = new string('林', 100);
                    using var created = await client.PostAsJsonAsync("/api/v1/customers", body, cancellationToken);
                    seen.Add(created.StatusCode);
                    using var listed = await client.GetAsync("/api/v1/customers?search=林&pageSize=50", cancellationToken);
                    seen.Add(listed.StatusCode);
                }

                return seen;
            }));

            var all = statuses.SelectMany(seen => seen).ToList();
            Assert.Equal(Clients * RequestsPerClient * 2, all.Count);
            Assert.DoesNotContain(all, status => (int)status >= 500);
            Assert.All(all, status => Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"Unexpected {status}"));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    public void Dispose() => TestState.Delete(_stateDirectory);
}
