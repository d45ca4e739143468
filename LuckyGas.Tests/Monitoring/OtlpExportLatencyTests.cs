using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace LuckyGas.Tests.Monitoring;

/// <summary>
/// Measures request latency of an application built with the platform's ServiceDefaults, once
/// without an OTLP endpoint and once with one on a closed port, in this process.
/// </summary>
/// <remarks>
/// The OTLP exporters run on background threads in the application's own process, so an
/// in-process Kestrel application with the same ServiceDefaults shows the same behaviour as a
/// platform instance, without starting a second platform with a broken collector.
/// </remarks>
public sealed class OtlpExportLatencyTests
{
    private const int Requests = 400;

    [Fact]
    public async Task ClosedOtlpEndpoint_AddsNoRequestLatency()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var cancellationToken = timeout.Token;

        var baseline = await MeasureAsync(otlpEndpoint: null, cancellationToken);
        var closed = await MeasureAsync($"http://127.0.0.1:{ClosedPort()}", cancellationToken);

        // NOTE: the margins are wide because the suite shares two cores with builds. An exporter
        // that waited for its collector on the request path would add its connect timeout per request.
        Assert.True(closed.Median <= baseline.Median + TimeSpan.FromMilliseconds(5),
            $"Median {closed.Median.TotalMilliseconds:F2} ms with a closed OTLP endpoint, {baseline.Median.TotalMilliseconds:F2} ms without.");
        Assert.True(closed.P95 <= baseline.P95 * 2 + TimeSpan.FromMilliseconds(20),
            $"p95 {closed.P95.TotalMilliseconds:F2} ms with a closed OTLP endpoint, {baseline.P95.TotalMilliseconds:F2} ms without.");
    }

    private static async Task<(TimeSpan Median, TimeSpan P95)> MeasureAsync(string? otlpEndpoint, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (otlpEndpoint is not null)
        {
            builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
            // Export often, so exports are attempted while the requests run.
            builder.Configuration["OTEL_BSP_SCHEDULE_DELAY"] = "100";
            builder.Configuration["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
            builder.Configuration["OTEL_BLRP_SCHEDULE_DELAY"] = "100";
        }

        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapGet("/ping", () => "pong");
        await app.StartAsync(cancellationToken);

        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            for (var index = 0; index < 20; index++)
            {
                await client.GetStringAsync("/ping", cancellationToken);
            }

            var durations = new List<TimeSpan>(Requests);
            for (var index = 0; index < Requests; index++)
            {
                var started = Stopwatch.GetTimestamp();
                await client.GetStringAsync("/ping", cancellationToken);
                durations.Add(Stopwatch.GetElapsedTime(started));
            }

            durations.Sort();
            return (durations[Requests / 2], durations[Requests * 95 / 100]);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static int ClosedPort()
    {
        // A port that was just bound and released has no listener, so connections are refused.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
