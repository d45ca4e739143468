namespace LuckyGas.AppHost.Hosting;

/// <summary>Adds the log line that reports when the whole platform is ready.</summary>
public static class ReadinessReporterExtensions
{
    /// <summary>
    /// Logs "Platform ready" with the elapsed seconds and the state folder once every resource is
    /// running and healthy. Publishing starts no resources, so publish mode adds nothing.
    /// </summary>
    public static IDistributedApplicationBuilder AddReadinessReport(
        this IDistributedApplicationBuilder builder, StateDirectory state)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        builder.Services.AddSingleton(state);
        builder.Services.AddHostedService<ReadinessReporter>();
        return builder;
    }
}
