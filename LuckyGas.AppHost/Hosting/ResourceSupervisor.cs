using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Restarts a server or application process that ended without being asked to, through its
/// resource's start command, and counts each restart in <c>luckygas_resource_restarts_total</c>.
/// </summary>
/// <remarks>
/// A stop through the resource's Stop or Restart command (the dashboard, a test or the AppHost's
/// own commands) is remembered until the resource runs again, so a stopped resource stays stopped.
/// A resource that keeps ending is restarted after a delay that doubles up to a minute. A
/// PostgreSQL node waits longer, so that a crashed primary comes back only after repmgrd has had
/// time to promote a standby. Its start script then rejoins it as a standby, so it never runs as a
/// second primary. A restarted node's repmgrd is restarted too, to monitor the node in its new role.
/// </remarks>
public sealed partial class ResourceSupervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    SupervisorOptions options,
    ILogger<ResourceSupervisor> logger) : BackgroundService
{
    private static readonly TimeSpan StableRunTime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, bool> _stopRequested = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _restarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTime> _lastRestart = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _nextDelay = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _lastState = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _wrapped = new(StringComparer.Ordinal);
    private readonly Lock _fileLock = new();

    /// <summary>The number of restarts the supervisor made of <paramref name="resourceName"/>.</summary>
    public int RestartCount(string resourceName) => _restarts.GetValueOrDefault(resourceName);

    /// <summary>
    /// Records that <paramref name="resourceName"/> is being stopped on purpose, so that the supervisor
    /// leaves it stopped until it runs again.
    /// </summary>
    public void ExpectStop(string resourceName) => _stopRequested[resourceName] = true;

    /// <summary>
    /// Wraps the Stop and Restart commands of <paramref name="resource"/>, once, so that a requested stop
    /// can be distinguished from a crash: the orchestrator reports both as Finished. The orchestrator adds
    /// these commands when it creates the resource, so this runs on the resource's first event.
    /// </summary>
    private void WrapLifecycleCommands(IResource resource)
    {
        var commands = resource.Annotations.OfType<ResourceCommandAnnotation>().ToList();
        if (!commands.Any(command => command.Name == KnownResourceCommands.StopCommand) || !_wrapped.TryAdd(resource.Name, 0))
        {
            return;
        }

        foreach (var original in commands.Where(command =>
            command.Name == KnownResourceCommands.StopCommand || command.Name == KnownResourceCommands.RestartCommand))
        {
            var resourceName = resource.Name;
            var wrapped = new ResourceCommandAnnotation(
                original.Name, original.DisplayName, original.UpdateState,
                context =>
                {
                    ExpectStop(resourceName);
                    return original.ExecuteCommand(context);
                },
                original.DisplayDescription, original.Arguments, original.ConfirmationMessage,
                original.IconName, original.IconVariant, original.IsHighlighted, original.Visibility,
                original.ValidateArguments);
            resource.Annotations.Remove(original);
            resource.Annotations.Add(wrapped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var supervised = SupervisedResources().Select(resource => resource.Name).ToHashSet(StringComparer.Ordinal);
        WriteMetrics(supervised);

        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                var name = resourceEvent.Resource.Name;
                if (!supervised.Contains(name))
                {
                    continue;
                }

                WrapLifecycleCommands(resourceEvent.Resource);
                var state = resourceEvent.Snapshot.State?.Text;
                var previous = _lastState.GetValueOrDefault(name);
                _lastState[name] = state;

                if (state == KnownResourceStates.Running)
                {
                    // A running resource reports again on every health change, so only a start
                    // clears a stop request. A request made while it runs lasts until it ends.
                    if (previous != KnownResourceStates.Running)
                    {
                        _stopRequested.TryRemove(name, out _);
                    }

                    continue;
                }

                // Only a resource that was running and ended is restarted; one that never started
                // is reported by the readiness log instead.
                var ended = IsEnded(state) && !IsEnded(previous) && previous is not null;
                if (!ended || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    continue;
                }

                if (_stopRequested.ContainsKey(name))
                {
                    LogStoppedOnRequest(logger, name, state);
                    continue;
                }

                if (_pending.TryAdd(name, 0))
                {
                    _ = RestartAsync(resourceEvent.Resource, state, resourceEvent.Snapshot.ExitCode, supervised, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private async Task RestartAsync(
        IResource resource, string? state, int? exitCode, HashSet<string> supervised, CancellationToken stoppingToken)
    {
        var name = resource.Name;
        try
        {
            var delay = NextDelay(name);
            LogCrashed(logger, name, state, exitCode, delay.TotalSeconds);
            await Task.Delay(delay, stoppingToken);
            if (_stopRequested.ContainsKey(name) || stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                LogRestartFailed(logger, name, result.Message);
                return;
            }

            var count = _restarts.AddOrUpdate(name, 1, (_, current) => current + 1);
            _lastRestart[name] = DateTime.UtcNow;
            WriteMetrics(supervised);
            LogRestarted(logger, name, count);

            if (options.CompanionOf.TryGetValue(name, out var companion))
            {
                await RestartCompanionAsync(name, companion, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        catch (Exception exception) when (exception is InvalidOperationException or DistributedApplicationException)
        {
            LogRestartError(logger, exception, name);
        }
        finally
        {
            _pending.TryRemove(name, out _);
        }
    }

    private async Task RestartCompanionAsync(string name, string companion, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await notifications.WaitForResourceAsync(name, KnownResourceStates.Running, timeout.Token);
        if (!notifications.TryGetCurrentState(companion, out var current) || current.Resource is not { } companionResource)
        {
            return;
        }

        var running = current.Snapshot.State?.Text == KnownResourceStates.Running;
        if (running)
        {
            ExpectStop(companion);
        }

        var command = running ? KnownResourceCommands.RestartCommand : KnownResourceCommands.StartCommand;
        var result = await commands.ExecuteCommandAsync(companionResource, command, stoppingToken);
        LogCompanionRestarted(logger, companion, name, result.Success);
    }

    private TimeSpan NextDelay(string name)
    {
        var initial = options.InitialDelay(name);
        var ranLong = !_lastRestart.TryGetValue(name, out var last) || DateTime.UtcNow - last > StableRunTime;
        var delay = ranLong ? initial : _nextDelay.GetValueOrDefault(name, initial);
        _nextDelay[name] = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(MaxDelay.Ticks, initial.Ticks)));
        return delay;
    }

    private IEnumerable<IResource> SupervisedResources()
    {
        // Resources that others wait to complete, such as the migrator, end by design.
        var runToCompletion = model.Resources
            .SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);

        return model.Resources
            .Where(resource => resource is ExecutableResource or ProjectResource)
            .Where(resource => !resource.HasAnnotationOfType<ExplicitStartupAnnotation>())
            .Where(resource => !runToCompletion.Contains(resource.Name));
    }

    private static bool IsEnded(string? state) =>
        state is not null && (KnownResourceStates.TerminalStates.Contains(state) || state == "Terminated");

    /// <summary>Writes the restart counters for node_exporter's textfile collector, atomically.</summary>
    private void WriteMetrics(HashSet<string> supervised)
    {
        var text = new StringBuilder()
            .Append("# HELP luckygas_resource_restarts_total Restarts by the AppHost of resources that ended without a stop request.\n")
            .Append("# TYPE luckygas_resource_restarts_total counter\n");
        foreach (var name in supervised.Order(StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"luckygas_resource_restarts_total{{resource=\"{name}\"}} {_restarts.GetValueOrDefault(name)}\n");
        }

        lock (_fileLock)
        {
            try
            {
                TextfileMetrics.Write(options.MetricsDirectory, SupervisorOptions.MetricsFileName, text.ToString());
            }
            catch (IOException exception)
            {
                LogMetricsWriteFailed(logger, exception, options.MetricsDirectory);
            }
        }
    }

    [LoggerMessage(EventId = 1100, EventName = "ResourceCrashed", Level = LogLevel.Warning,
        Message = "Resource {ResourceName} ended without a stop request ({State}, exit code {ExitCode}); restarting it in {DelaySeconds:F0} s")]
    private static partial void LogCrashed(ILogger logger, string resourceName, string? state, int? exitCode, double delaySeconds);

    [LoggerMessage(EventId = 1101, EventName = "ResourceRestarted", Level = LogLevel.Warning,
        Message = "Restarted resource {ResourceName} through its start command (restart {RestartCount})")]
    private static partial void LogRestarted(ILogger logger, string resourceName, int restartCount);

    [LoggerMessage(EventId = 1102, EventName = "ResourceRestartFailed", Level = LogLevel.Error,
        Message = "The start command of resource {ResourceName} failed: {Error}")]
    private static partial void LogRestartFailed(ILogger logger, string resourceName, string? error);

    [LoggerMessage(EventId = 1103, EventName = "ResourceRestartError", Level = LogLevel.Error,
        Message = "Restarting resource {ResourceName} failed")]
    private static partial void LogRestartError(ILogger logger, Exception exception, string resourceName);

    [LoggerMessage(EventId = 1104, EventName = "ResourceStoppedOnRequest", Level = LogLevel.Information,
        Message = "Resource {ResourceName} stopped on request ({State}); it stays stopped until started")]
    private static partial void LogStoppedOnRequest(ILogger logger, string resourceName, string? state);

    [LoggerMessage(EventId = 1105, EventName = "CompanionRestarted", Level = LogLevel.Information,
        Message = "Restarted resource {Companion} after {ResourceName} restarted (success: {Success})")]
    private static partial void LogCompanionRestarted(ILogger logger, string companion, string resourceName, bool success);

    [LoggerMessage(EventId = 1106, EventName = "RestartMetricsWriteFailed", Level = LogLevel.Warning,
        Message = "Writing the restart counters to {Directory} failed")]
    private static partial void LogMetricsWriteFailed(ILogger logger, Exception exception, string directory);
}
