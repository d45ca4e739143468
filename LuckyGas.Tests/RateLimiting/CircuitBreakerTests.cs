using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly.CircuitBreaker;

namespace LuckyGas.Tests.RateLimiting;

/// <summary>
/// The standard resilience pipeline of ServiceDefaults against a dependency that refuses every
/// connection (a port on 127.0.0.1 that nothing listens on) and a working one (a throwaway
/// Kestrel server on 127.0.0.1).
/// </summary>
public sealed class CircuitBreakerTests
{
    [Fact]
    public async Task ConsecutiveFailures_OpenBreaker_ReportedInHealthAndGauge()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var working = await StartWorkingDependencyAsync(timeout.Token);
        var workingAuthority = working.Urls.Single();
        var failingAuthority = $"http://127.0.0.1:{UnusedPort()}";

        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("failing", client => client.BaseAddress = new Uri(failingAuthority));
        builder.Services.AddHttpClient("working", client => client.BaseAddress = new Uri(workingAuthority));

        // The defaults need 100 requests in 30 s before the breaker may open; a test makes fewer.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options =>
        {
            options.Retry.MaxRetryAttempts = 1;
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
            options.Retry.UseJitter = false;
            options.CircuitBreaker.MinimumThroughput = 4;
            options.CircuitBreaker.FailureRatio = 0.5;
        });
        await using var app = builder.Build();

        var gauge = new List<(int State, string? Client)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Name == CircuitBreakerRegistry.StateGaugeName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            gauge.Add((value, tags.ToArray().FirstOrDefault(tag => tag.Key == "client").Value as string)));
        listener.Start();

        var clients = app.Services.GetRequiredService<IHttpClientFactory>();
        using var workingClient = clients.CreateClient("working");
        using (var first = await workingClient.GetAsync("/", timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var client = clients.CreateClient("failing");
        var failures = new List<Type>();
        for (var request = 0; request < 10 && !failures.Contains(typeof(BrokenCircuitException)); request++)
        {
            try
            {
                using var response = await client.GetAsync("/", timeout.Token);
                failures.Add(typeof(HttpResponseMessage));
            }
            catch (Exception exception) when (exception is HttpRequestException or BrokenCircuitException)
            {
                failures.Add(exception.GetType());
            }
        }

        // The working dependency has a breaker of its own, which the failures did not open.
        using var afterFailures = await workingClient.GetAsync("/", timeout.Token);
        var registry = app.Services.GetRequiredService<CircuitBreakerRegistry>();
        var health = await app.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Name == CircuitBreakerExtensions.HealthCheckName, timeout.Token);
        listener.RecordObservableInstruments();

        Assert.Contains(typeof(HttpRequestException), failures);
        Assert.Equal(typeof(BrokenCircuitException), failures[^1]);
        Assert.Equal(HttpStatusCode.OK, afterFailures.StatusCode);
        Assert.Equal(CircuitBreakerState.Open, registry.Snapshot()[failingAuthority]);
        Assert.Equal(CircuitBreakerState.Closed, registry.Snapshot()[workingAuthority]);
        var entry = health.Entries[CircuitBreakerExtensions.HealthCheckName];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("Open", entry.Data[failingAuthority]);
        Assert.Equal("Closed", entry.Data[workingAuthority]);
        Assert.Contains((2, failingAuthority), gauge);
        Assert.Contains((0, workingAuthority), gauge);
    }

    private static async Task<WebApplication> StartWorkingDependencyAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static int UnusedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
