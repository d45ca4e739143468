using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Tests.Infrastructure;

/// <summary>Waits for resources of a started application, failing fast with their last state.</summary>
public static class ResourceWaits
{
    /// <summary>
    /// Waits until every resource is running and healthy. Throws, naming the resource and its last
    /// state, as soon as one ends (exits or fails to start) or when <paramref name="timeout"/>
    /// passes.
    /// </summary>
    public static async Task WaitForAllHealthyAsync(
        this DistributedApplication app, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var names = model.Resources
            .Where(resource => resource is not ParameterResource)
            // Resources that start only on request, such as the projects' rebuilders, stay NotStarted.
            .Where(resource => !resource.HasAnnotationOfType<ExplicitStartupAnnotation>())
            .Select(resource => resource.Name)
            .ToList();

        // Resources that others wait to complete, such as the migrator, finish instead of staying healthy.
        var runToCompletion = model.Resources
            .SelectMany(resource => resource.Annotations.OfType<WaitAnnotation>())
            .Where(wait => wait.WaitType == WaitType.WaitForCompletion)
            .Select(wait => wait.Resource.Name)
            .ToHashSet(StringComparer.Ordinal);

        await app.WaitForHealthyAsync(names, timeout, cancellationToken, runToCompletion);
    }

    /// <summary>
    /// Waits until each named resource is running and healthy, or for those in
    /// <paramref name="runToCompletion"/>, finished with exit code 0; see
    /// <see cref="WaitForAllHealthyAsync"/>.
    /// </summary>
    public static async Task WaitForHealthyAsync(
        this DistributedApplication app, IReadOnlyCollection<string> names, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlySet<string>? runToCompletion = null)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        try
        {
            await Task.WhenAll(names.Select(async name =>
            {
                var resourceEvent = await notifications.WaitForResourceAsync(
                    name, IsHealthyOrEnded, deadline.Token);
                var completed = runToCompletion?.Contains(name) == true &&
                    resourceEvent.Snapshot.State?.Text == KnownResourceStates.Finished &&
                    resourceEvent.Snapshot.ExitCode == 0;
                if (IsEnded(resourceEvent) && !completed)
                {
                    throw new ResourceNotHealthyException(
                        $"Resource '{name}' ended before it became healthy. {Describe(resourceEvent)}");
                }
            }));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var report = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"Not every resource became healthy within {timeout.TotalSeconds:F0} s:"));
            foreach (var name in names)
            {
                if (notifications.TryGetCurrentState(name, out var current) && !IsHealthyOrEnded(current))
                {
                    report.Append(CultureInfo.InvariantCulture, $"\n  {name}: {Describe(current)}");
                }
            }

            throw new ResourceNotHealthyException(report.ToString());
        }
    }

    private static bool IsHealthyOrEnded(ResourceEvent resourceEvent) =>
        IsEnded(resourceEvent) ||
        (resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running &&
         resourceEvent.Snapshot.HealthStatus == HealthStatus.Healthy);

    private static bool IsEnded(ResourceEvent resourceEvent) =>
        KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text);

    private static string Describe(ResourceEvent resourceEvent)
    {
        var snapshot = resourceEvent.Snapshot;
        var reports = string.Join("; ", snapshot.HealthReports.Select(report =>
            $"{report.Name}={report.Status?.ToString() ?? "pending"} {report.Description} {report.ExceptionText}".Trim()));
        return $"State {snapshot.State?.Text ?? "unknown"}, exit code {snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}, " +
            $"health {snapshot.HealthStatus?.ToString() ?? "unknown"}{(reports.Length > 0 ? $" ({reports})" : "")}.";
    }
}

/// <summary>A resource did not become healthy.</summary>
public sealed class ResourceNotHealthyException(string message) : Exception(message);
