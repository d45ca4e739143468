using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Logs one line when every resource of the topology is running and healthy for the first time,
/// with the seconds since the AppHost started, so operators and the start-up benchmark see when
/// the platform is ready. Until then it logs the resources it still waits for every 30 seconds,
/// and a warning for each resource that ends before it is healthy.
/// </summary>
internal sealed partial class ReadinessReporter(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    StateDirectory state,
    ILogger<ReadinessReporter> logger) : BackgroundService
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

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

        // Resources that others wait to complete, such as the migrator, finish instead of staying healthy.
        var runToCompletion = model.Resources
            .SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);

        using var progress = new Timer(_ => LogProgress(pending), null, ProgressInterval, ProgressInterval);

        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                var name = resourceEvent.Resource.Name;
                var snapshot = resourceEvent.Snapshot;
                var ready = runToCompletion.Contains(name)
                    ? snapshot.State?.Text == KnownResourceStates.Finished && snapshot.ExitCode == 0
                    : snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthStatus == HealthStatus.Healthy;

                lock (pending)
                {
                    // Hidden resources, such as the dashboard itself, are not part of the platform.
                    if (ready || snapshot.IsHidden)
                    {
                        pending.Remove(name);
                    }
                    else if (pending.Contains(name) && KnownResourceStates.TerminalStates.Contains(snapshot.State?.Text))
                    {
                        LogResourceEnded(logger, name, snapshot.State?.Text, snapshot.ExitCode);
                    }

                    if (pending.Count == 0)
                    {
                        LogPlatformReady(logger, total, _sinceStart.Elapsed.TotalSeconds, state.Path);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stopped before the platform was ready.
        }
    }

    private void LogProgress(HashSet<string> pending)
    {
        lock (pending)
        {
            if (pending.Count == 0 || !logger.IsEnabled(LogLevel.Information))
            {
                return;
            }

            var names = string.Join(", ", pending.Order(StringComparer.Ordinal));
            LogWaiting(logger, _sinceStart.Elapsed.TotalSeconds, names);
        }
    }

    [LoggerMessage(EventId = 1000, EventName = "PlatformReady", Level = LogLevel.Information,
        Message = "Platform ready: all {ResourceCount} resources are healthy after {Seconds:F1} s, with state in {StateDirectory}")]
    private static partial void LogPlatformReady(ILogger logger, int resourceCount, double seconds, string stateDirectory);

    [LoggerMessage(EventId = 1001, EventName = "PlatformWaiting", Level = LogLevel.Information,
        Message = "Platform not ready after {Seconds:F0} s: waiting for {PendingResources}")]
    private static partial void LogWaiting(ILogger logger, double seconds, string pendingResources);

    [LoggerMessage(EventId = 1002, EventName = "ResourceEnded", Level = LogLevel.Warning,
        Message = "Resource {ResourceName} ended ({State}, exit code {ExitCode}) before it was healthy; see its console log in the dashboard")]
    private static partial void LogResourceEnded(ILogger logger, string resourceName, string? state, int? exitCode);
}
