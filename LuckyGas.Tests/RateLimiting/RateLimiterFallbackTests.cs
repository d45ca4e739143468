using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using LuckyGas.Api.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LuckyGas.Tests.RateLimiting;

/// <summary>The API's rate limiter against a Redis address that nothing listens on, without the platform.</summary>
public sealed class RateLimiterFallbackTests
{
    private const int AnonymousReads = 3;

    [Fact]
    public async Task RedisUnreachable_LimitsLocallyAndReportsDegraded()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var logs = new LogCollector();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", UnusedPort() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 500,
        });
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.AddApiRateLimiting();
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        await using var app = builder.Build();

        var gauge = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Name == RateLimiterStatus.DistributedGaugeName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => gauge.Add(value));
        listener.Start();

        var limiter = app.Services.GetRequiredService<ApiRateLimiter>();
        var outcomes = new List<bool>();
        for (var request = 0; request < AnonymousReads + 2; request++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/api/v1/customers";
            context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
            using var lease = await limiter.AcquireAsync(context, 1, timeout.Token);
            outcomes.Add(lease.IsAcquired);
            Assert.Equal($"{AnonymousReads}", context.Response.Headers["RateLimit-Limit"].ToString());
        }

        var health = await app.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Name == RateLimitingExtensions.HealthCheckName, timeout.Token);
        listener.RecordObservableInstruments();

        Assert.Equal([true, true, true, false, false], outcomes);
        Assert.False(app.Services.GetRequiredService<RateLimiterStatus>().IsDistributed);
        Assert.Equal(HealthStatus.Degraded, health.Entries[RateLimitingExtensions.HealthCheckName].Status);
        Assert.Equal(false, health.Entries[RateLimitingExtensions.HealthCheckName].Data["distributed"]);
        Assert.Equal([0], gauge.Distinct());
        Assert.Single(logs.Entries, entry => entry.EventId == 4400);
    }

    [Fact]
    public async Task Middleware_RedisUnreachable_Returns429NotServerError()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", UnusedPort() } },
            AbortOnConnectFail = false,
            ConnectTimeout = 500,
        });
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.Services.AddProblemDetails();
        builder.AddApiRateLimiting();
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        await using var app = builder.Build();
        app.UseApiRateLimiting();
        app.MapGet("/api/v1/probe", () => "ok");
        app.MapGet("/health", () => "Healthy");
        await app.StartAsync(timeout.Token);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var limited = new List<int>();
        var health = new List<int>();
        for (var request = 0; request < AnonymousReads + 2; request++)
        {
            using var response = await client.GetAsync("/api/v1/probe", timeout.Token);
            limited.Add((int)response.StatusCode);
            using var healthResponse = await client.GetAsync("/health", timeout.Token);
            health.Add((int)healthResponse.StatusCode);
        }

        Assert.Equal([200, 200, 200, 429, 429], limited);
        Assert.All(health, status => Assert.Equal(200, status));
    }

    [Fact]
    public async Task HealthPath_NeverLimited()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.AddApiRateLimiting();
        await using var app = builder.Build();
        var partitioner = app.Services.GetRequiredService<RateLimitPartitioner>();

        foreach (var path in new[] { "/health", "/alive", "/metrics" })
        {
            var context = new DefaultHttpContext();
            context.Request.Path = path;
            Assert.Null(partitioner.Resolve(context));
        }
    }

    private static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimiting:Window"] = "00:01:00",
            ["RateLimiting:CommandTimeout"] = "00:00:00.2",
            ["RateLimiting:RetryInterval"] = "00:01:00",
            ["RateLimiting:Anonymous:Reads"] = $"{AnonymousReads}",
            ["RateLimiting:Anonymous:Writes"] = "1",
            ["RateLimiting:Anonymous:Expensive"] = "1",
        };
        foreach (var tier in new[] { "Basic", "Standard", "Premium", "Enterprise" })
        {
            settings[$"RateLimiting:Tiers:{tier}:Reads"] = "10";
            settings[$"RateLimiting:Tiers:{tier}:Writes"] = "10";
            settings[$"RateLimiting:Tiers:{tier}:Expensive"] = "10";
        }

        return settings;
    }

    private static int UnusedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
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
