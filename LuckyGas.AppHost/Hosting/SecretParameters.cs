using Aspire.Hosting.Publishing;

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
    /// Adds a secret parameter that may stay empty: configuration (such as
    /// <c>Parameters:{name}</c> in user secrets) sets it, and without a value it is empty.
    /// </summary>
    /// <remarks>
    /// <c>AddParameter(name, "")</c> would not do: Aspire 13.6 uses that value as a constant and
    /// ignores configuration, so the parameter could never be set.
    /// </remarks>
    public static IResourceBuilder<ParameterResource> AddOptionalSecret(
        this IDistributedApplicationBuilder builder, string name)
    {
        // The manifest wraps any default in a "default" object, and an empty one fails the
        // manifest schema, so the published parameter has no default at all.
        return builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, new EmptyParameterDefault(), secret: true);
    }

    /// <summary>A parameter default that is the empty string.</summary>
    private sealed class EmptyParameterDefault : ParameterDefault
    {
        public override string GetDefaultValue() => "";

        // Nothing goes into the manifest, so a deployment prompts the operator for the value.
        public override void WriteToManifest(ManifestPublishingContext context)
        {
        }
    }
}
