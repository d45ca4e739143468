using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LuckyGas.Tests.Failover;

/// <summary>
/// Creates orders through the API one after another until stopped, and records every order whose
/// create returned 201 and every attempt that failed, with the time since the writer started.
/// </summary>
public sealed class OrderWriter(HttpClient client, long customerId)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Orders whose create returned 201, with the time of the response.</summary>
    public ConcurrentQueue<(long Id, TimeSpan At)> Acknowledged { get; } = new();

    /// <summary>Failed attempts: the time, and the status code or exception type.</summary>
    public ConcurrentQueue<(TimeSpan At, string Outcome)> Failures { get; } = new();

    /// <summary>The time since the writer started, on the clock of the records.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Writes until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
            {
                Content = JsonContent.Create(new
                {
                    customerId,
                    lines = new[] { new { sizeKg = 20, quantity = 1 } },
                    windowStart = DateTimeOffset.UtcNow.AddHours(2),
                    windowEnd = DateTimeOffset.UtcNow.AddHours(6),
                }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var response = await client.SendAsync(request, timeout.Token);
                if ((int)response.StatusCode == 201)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
                    Acknowledged.Enqueue((body.RootElement.GetProperty("id").GetInt64(), _clock.Elapsed));
                }
                else
                {
                    Failures.Enqueue((_clock.Elapsed, $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(timeout.Token)}"));
                    await Task.Delay(50, CancellationToken.None);
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                Failures.Enqueue((_clock.Elapsed, exception.GetType().Name));
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Returns the write outage around <paramref name="faultAt"/>: from the last acknowledged write
    /// before it to the first after it, or null when no write succeeded after it.
    /// </summary>
    public TimeSpan? OutageAround(TimeSpan faultAt)
    {
        var before = Acknowledged.Where(write => write.At <= faultAt).Select(write => write.At).DefaultIfEmpty(TimeSpan.Zero).Max();
        var after = Acknowledged.Where(write => write.At > faultAt).Select(write => write.At).ToList();
        return after.Count == 0 ? null : after.Min() - before;
    }
}
