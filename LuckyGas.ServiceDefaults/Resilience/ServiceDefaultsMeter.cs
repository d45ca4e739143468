namespace Microsoft.Extensions.Hosting;

/// <summary>The meter of the instruments that ServiceDefaults adds to every project.</summary>
public static class ServiceDefaultsMeter
{
    /// <summary>The meter name, which matches <see cref="Extensions.PlatformMeterPattern"/>.</summary>
    public const string Name = "LuckyGas.ServiceDefaults";
}
