namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>Registers the standby lag probe and the read routing that follows it.</summary>
public static class ReadRoutingExtensions
{
    /// <summary>
    /// Adds <see cref="ReadRoutingOptions"/> from the <c>ReadRouting</c> section, the
    /// <see cref="StandbyLagProbe"/> over the hosts of <paramref name="connectionName"/>, the
    /// <see cref="StandbyLagMonitor"/> and <see cref="ReadDataSources"/> singletons, and the
    /// <c>read-routing</c> health check.
    /// </summary>
    public static IHostApplicationBuilder AddReadRouting(this IHostApplicationBuilder builder, string connectionName)
    {
        builder.Services.AddOptions<ReadRoutingOptions>()
            .BindConfiguration(ReadRoutingOptions.SectionName)
            .Validate(options => options.ProbeInterval > TimeSpan.Zero,
                "ReadRouting:ProbeInterval must be a positive time span, such as 00:00:01.")
            .Validate(options => options.ProbeTimeout > TimeSpan.Zero,
                "ReadRouting:ProbeTimeout must be a positive time span, such as 00:00:02.")
            .Validate(options => options.MaxLagBytes > 0,
                "ReadRouting:MaxLagBytes must be a positive number of bytes.")
            .Validate(options => options.MaxLagSeconds > 0 && double.IsFinite(options.MaxLagSeconds),
                "ReadRouting:MaxLagSeconds must be a positive number of seconds.")
            .ValidateOnStart();

        builder.Services.AddSingleton(services => ReadConnectionSettings.FromConfiguration(
            services.GetRequiredService<IConfiguration>(), connectionName));
        builder.Services.AddSingleton<StandbyLagMonitor>();
        builder.Services.AddSingleton<ReadDataSources>();
        builder.Services.AddHostedService<StandbyLagProbe>();
        builder.Services.AddHealthChecks().AddCheck<ReadRoutingHealthCheck>(ReadRoutingHealthCheck.Name);

        return builder;
    }
}
