using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>The name of this running instance, such as <c>api-1</c>, sent on every response.</summary>
/// <param name="Name">The instance name.</param>
public sealed record InstanceIdentity(string Name)
{
    /// <summary>The response header that names the instance that served a request.</summary>
    public const string HeaderName = "X-Served-By";

    /// <summary>The configuration key the AppHost sets to the resource name.</summary>
    public const string ConfigurationKey = "LuckyGas:InstanceName";

    /// <summary>
    /// Reads the instance name from configuration, falling back to the machine name so that a
    /// deployment with many replicas of one resource still tells them apart.
    /// </summary>
    public static InstanceIdentity FromConfiguration(IConfiguration configuration)
    {
        var name = configuration[ConfigurationKey];
        return new InstanceIdentity(string.IsNullOrWhiteSpace(name) ? Environment.MachineName : name);
    }
}
