using System.Diagnostics;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LuckyGas.Tests.Infrastructure;

/// <summary>
/// One started platform: the AppHost's whole topology on a state folder, with every resource
/// healthy.
/// </summary>
public sealed class PlatformInstance : IAsyncDisposable
{
    /// <summary>The longest start-up wait: building the projects plus initializing the cluster.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private PlatformInstance(DistributedApplication app, string stateDirectory, PlatformSecrets secrets)
    {
        App = app;
        StateDirectory = stateDirectory;
        Secrets = secrets;
    }

    /// <summary>The running application.</summary>
    public DistributedApplication App { get; }

    /// <summary>The state folder that contains every server's data.</summary>
    public string StateDirectory { get; }

    /// <summary>The secret parameter values the platform was started with.</summary>
    public PlatformSecrets Secrets { get; }

    /// <summary>How long the start took until every resource was healthy.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>
    /// Starts the platform on <paramref name="stateDirectory"/>, with any further AppHost arguments,
    /// and waits until every resource is healthy, or throws naming the resource that is not.
    /// </summary>
    /// <remarks>
    /// The API's anonymous rate limits are raised far above what tests send, because every test
    /// client connects from 127.0.0.1 and at the default 120 reads a minute per address the tests
    /// that probe anonymous or unknown paths would limit each other. Later arguments win, so the
    /// rate-limiting tests pass the limits they test in <paramref name="extraArguments"/>.
    /// </remarks>
    public static async Task<PlatformInstance> StartAsync(
        string stateDirectory, PlatformSecrets secrets, CancellationToken cancellationToken,
        params string[] extraArguments)
    {
        var stopwatch = Stopwatch.StartNew();
        string[] arguments =
        [
            $"--LuckyGas:StateDirectory={stateDirectory}", .. secrets.ToArguments(), .. AnonymousLimits, .. extraArguments,
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LuckyGas_AppHost>(
            arguments, cancellationToken);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            // Probes fail by design while servers stop; a start that never becomes healthy is
            // reported with every health report by WaitForAllHealthyAsync instead.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            // The servers' own console output (PostgreSQL writes everything to stderr, which
            // arrives as errors) would bury the test results; LUCKYGAS_TEST_SERVER_LOGS=1 shows it.
            .AddFilter("LuckyGas.AppHost.Resources",
                Environment.GetEnvironmentVariable("LUCKYGAS_TEST_SERVER_LOGS") == "1" ? LogLevel.Information : LogLevel.None));

        var app = await builder.BuildAsync(cancellationToken);
        var instance = new PlatformInstance(app, stateDirectory, secrets);
        try
        {
            await app.StartAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
            await app.WaitForAllHealthyAsync(StartTimeout, cancellationToken);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        instance.StartDuration = stopwatch.Elapsed;
        return instance;
    }

    private static readonly string[] AnonymousLimits =
    [
        "--Api:RateLimiting:Anonymous:Reads=1000000",
        "--Api:RateLimiting:Anonymous:Writes=1000000",
        "--Api:RateLimiting:Anonymous:Expensive=1000000",
    ];

    /// <summary>Returns the port the AppHost recorded for a server resource.</summary>
    public int PortOf(string resourceName)
    {
        using var ports = JsonDocument.Parse(File.ReadAllText(Path.Combine(StateDirectory, "ports.json")));
        return ports.RootElement.GetProperty(resourceName).GetInt32();
    }

    /// <summary>Stops every resource.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
