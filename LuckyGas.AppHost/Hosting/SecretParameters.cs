namespace LuckyGas.AppHost.Hosting;

/// <summary>Adds secret parameters whose values are generated once and kept.</summary>
public static class SecretParameters
{
    /// <summary>
    /// Adds a secret parameter with a generated default: 32 letters and digits, kept in the
    /// AppHost's user secrets in run mode, so that existing data stays readable on later runs.
    /// </summary>
    /// <remarks>
    /// Letters and digits only, because the values are written into configuration files and
    /// connection strings where quotes, colons and semicolons would need escaping.
    /// </remarks>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(
        this IDistributedApplicationBuilder builder, string name)
    {
        var value = new GenerateParameterDefault { MinLength = 32, Special = false };
        return builder.AddParameter(name, value, secret: true, persist: true);
    }

    /// <summary>
    /// Adds a secret parameter that may stay empty, such as a webhook URL whose absence turns a
    /// feature off. No value is generated, so the operator sets it or leaves it empty.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddOptionalSecret(
        this IDistributedApplicationBuilder builder, string name)
    {
        return builder.AddParameter(name, string.Empty, secret: true);
    }
}
