namespace LuckyGas.AppHost.Hosting;

/// <summary>Adds the log line that says when the whole platform is ready.</summary>
public static class ReadinessReporterExtensions
{
    /// <summary>
    /// Logs "Platform ready" with the elapsed seconds once every resource is running and healthy.
    /// </summary>
    public static IDistributedApplicationBuilder AddReadinessReport(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ReadinessReporter>();
        return builder;
    }
}
