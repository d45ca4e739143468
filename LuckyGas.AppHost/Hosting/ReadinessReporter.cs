using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Logs one line when every resource of the topology is running and healthy for the first time,
/// with the seconds since the AppHost started, so operators and the start-up benchmark see when
/// the platform is ready.
/// </summary>
internal sealed partial class ReadinessReporter(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ILogger<ReadinessReporter> logger) : BackgroundService
{
    private readonly Stopwatch _sinceStart = Stopwatch.StartNew();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = model.Resources
            .Where(resource => resource is not ParameterResource)
            // Resources that start only on request, such as the projects' rebuilders, stay NotStarted.
            .Where(resource => !resource.HasAnnotationOfType<ExplicitStartupAnnotation>())
            .Select(resource => resource.Name)
            .ToHashSet(StringComparer.Ordinal);
        var total = pending.Count;

        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                var snapshot = resourceEvent.Snapshot;
                var ready = snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == HealthStatus.Healthy;

                // Hidden resources, such as the dashboard itself, are not part of the platform.
                if (ready || snapshot.IsHidden)
                {
                    pending.Remove(resourceEvent.Resource.Name);
                }

                if (pending.Count == 0)
                {
                    LogPlatformReady(logger, total, _sinceStart.Elapsed.TotalSeconds);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stopped before the platform was ready.
        }
    }

    [LoggerMessage(EventId = 1000, EventName = "PlatformReady", Level = LogLevel.Information,
        Message = "Platform ready: all {ResourceCount} resources are healthy after {Seconds:F1} s")]
    private static partial void LogPlatformReady(ILogger logger, int resourceCount, double seconds);
}
