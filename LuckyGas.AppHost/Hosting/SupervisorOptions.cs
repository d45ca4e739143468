namespace LuckyGas.AppHost.Hosting;

/// <summary>How <see cref="ResourceSupervisor"/> restarts particular resources.</summary>
/// <param name="metricsDirectory">The folder that node_exporter's textfile collector reads.</param>
public sealed class SupervisorOptions(string metricsDirectory)
{
    /// <summary>The file in <see cref="MetricsDirectory"/> with the restart counters.</summary>
    public const string MetricsFileName = "resource-restarts.prom";

    /// <summary>The first wait before a restart, for resources without one of their own.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    /// <summary>The folder that node_exporter's textfile collector reads.</summary>
    public string MetricsDirectory { get; } = metricsDirectory;

    /// <summary>Resources restarted right after the one named by the key has restarted.</summary>
    public Dictionary<string, string> CompanionOf { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes the supervisor wait <paramref name="delay"/> before the first restart of a resource.</summary>
    public SupervisorOptions RestartAfter(string resourceName, TimeSpan delay)
    {
        _delays[resourceName] = delay;
        return this;
    }

    /// <summary>Makes the supervisor restart <paramref name="companion"/> after it restarts <paramref name="resourceName"/>.</summary>
    public SupervisorOptions RestartWith(string resourceName, string companion)
    {
        CompanionOf[resourceName] = companion;
        return this;
    }

    /// <summary>Returns the first wait before restarting <paramref name="resourceName"/>.</summary>
    public TimeSpan InitialDelay(string resourceName) => _delays.GetValueOrDefault(resourceName, DefaultDelay);
}

/// <summary>Adds the supervisor that restarts crashed resources.</summary>
public static class ResourceSupervisorExtensions
{
    /// <summary>
    /// Adds a supervisor that restarts every executable and project resource that ends without a stop
    /// request, through its start command, and writes <c>luckygas_resource_restarts_total{resource}</c>
    /// to <c>node-exporter/resource-restarts.prom</c> in the state folder.
    /// </summary>
    public static SupervisorOptions AddResourceSupervisor(this IDistributedApplicationBuilder builder, StateDirectory state)
    {
        var options = new SupervisorOptions(state.Combine(TextfileMetrics.DirectoryName));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ResourceSupervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ResourceSupervisor>());
        return options;
    }
}
