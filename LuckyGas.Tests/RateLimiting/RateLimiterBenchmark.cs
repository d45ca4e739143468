using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LuckyGas.Tests.Api;
using LuckyGas.Tests.ApiKeys;
using LuckyGas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LuckyGas.Tests.RateLimiting;

/// <summary>
/// Measures requests per second of one read endpoint with the rate limiter on and off, with wrk,
/// in one run on one platform: the limiter is switched through the API's runtime settings file.
/// By default each mode runs 3 s (a smoke run in the suite); <c>bench/rate-limiter.sh</c> sets
/// <c>LUCKYGAS_BENCH_SECONDS</c> for a real measurement.
/// </summary>
[Collection(RateLimitPlatform.Name)]
public sealed partial class RateLimiterBenchmark(RateLimitPlatformFixture fixture, ITestOutputHelper output)
{
    private const int DefaultSeconds = 3;

    private const int Connections = 16;

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task CustomerGet_RequestsPerSecond_LimiterOnAndOff()
    {
        var seconds = int.Parse(Environment.GetEnvironmentVariable("LUCKYGAS_BENCH_SECONDS") ?? $"{DefaultSeconds}",
            CultureInfo.InvariantCulture);
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(4 * seconds));
        using var admin = await ApiClients.AdminAsync(Platform, "api-1", cancellationToken);
        var customerId = await ApiClients.CreateCustomerAsync(admin, cancellationToken);
        var key = await ApiKeyClients.CreateAsync(admin, "Enterprise", ["read"], cancellationToken);
        var url = $"http://127.0.0.1:{Platform.PortOf("api-1")}/api/v1/customers/{customerId}";
        using var probe = ApiKeyClients.KeyClient(Platform, "api-1", key.Secret);
        var settingsFile = Path.Combine(Platform.StateDirectory, "api-settings.json");

        // One untimed second per mode warms up JIT, the key check cache and the read cache.
        await SwitchLimiterAsync(settingsFile, enabled: true, probe, customerId, cancellationToken);
        await RunWrkAsync(url, key.Secret, 1, cancellationToken);
        var on = await RunWrkAsync(url, key.Secret, seconds, cancellationToken);

        await SwitchLimiterAsync(settingsFile, enabled: false, probe, customerId, cancellationToken);
        try
        {
            await RunWrkAsync(url, key.Secret, 1, cancellationToken);
            var off = await RunWrkAsync(url, key.Secret, seconds, cancellationToken);

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"machine: {Environment.ProcessorCount} cores; wrk -t2 -c{Connections} -d{seconds}s per mode, " +
                $"GET /api/v1/customers/{{id}} on api-1 with an Enterprise API key (cached read)");
            report.AppendLine(on.Describe("limiter on "));
            report.AppendLine(off.Describe("limiter off"));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"ratio on/off: {on.RequestsPerSecond / off.RequestsPerSecond:F2}");
            output.WriteLine(report.ToString());
            if (Environment.GetEnvironmentVariable("LUCKYGAS_BENCH_OUTPUT") is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, report.ToString(), cancellationToken);
            }

            Assert.True(on.Requests > 0, "wrk made no requests with the limiter on.");
            Assert.True(off.Requests > 0, "wrk made no requests with the limiter off.");
            Assert.Equal(0, on.ErrorResponses);
            Assert.Equal(0, off.ErrorResponses);
        }
        finally
        {
            await SwitchLimiterAsync(settingsFile, enabled: true, probe, customerId, CancellationToken.None);
        }
    }

    /// <summary>Writes the runtime settings file and waits until api-1 applies it, seen by the RateLimit-Limit header.</summary>
    private static async Task SwitchLimiterAsync(
        string settingsFile, bool enabled, HttpClient probe, long customerId, CancellationToken cancellationToken)
    {
        var json = enabled ? "{}\n" : "{ \"RateLimiting\": { \"Enabled\": false } }\n";
        var temporary = settingsFile + ".tmp";
        await File.WriteAllTextAsync(temporary, json, cancellationToken);
        File.Move(temporary, settingsFile, overwrite: true);

        var applied = await Eventually.WaitAsync(async token =>
            {
                using var response = await probe.GetAsync($"/api/v1/customers/{customerId}", token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return response.Headers.Contains("RateLimit-Limit");
            },
            limited => limited == enabled, TimeSpan.FromSeconds(15), cancellationToken);
        Assert.True(applied == enabled, $"api-1 did not apply RateLimiting:Enabled={enabled} from {settingsFile}.");
    }

    private static async Task<WrkResult> RunWrkAsync(string url, string key, int seconds, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
            { "-t2", $"-c{Connections}", $"-d{seconds}s", "--latency", "-H", $"X-API-Key: {key}", url })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await stdout;
        Assert.True(process.ExitCode == 0, $"wrk exited with {process.ExitCode}: {await stderr}");
        return WrkResult.Parse(text);
    }

    private sealed record WrkResult(long Requests, double RequestsPerSecond, long ErrorResponses, string Median, string P99)
    {
        public static WrkResult Parse(string text)
        {
            var requests = long.Parse(RequestsPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
            var perSecond = double.Parse(PerSecondPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
            var errors = ErrorsPattern().Match(text) is { Success: true } match
                ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : 0;
            return new WrkResult(requests, perSecond, errors,
                LatencyPattern("50%").Match(text).Groups[1].Value, LatencyPattern("99%").Match(text).Groups[1].Value);
        }

        public string Describe(string mode) => string.Create(CultureInfo.InvariantCulture,
            $"{mode}: {RequestsPerSecond:F0} requests/s ({Requests} requests, {ErrorResponses} non-2xx), " +
            $"median {Median}, p99 {P99}");

        private static Regex LatencyPattern(string percentile) =>
            new($@"^\s+{Regex.Escape(percentile)}\s+(\S+)", RegexOptions.Multiline);
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex PerSecondPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex ErrorsPattern();
}
