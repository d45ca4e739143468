using Aspire.Hosting.Publishing;

namespace LuckyGas.AppHost.Hosting;

/// <summary>Adds secret parameters that may be left empty.</summary>
public static class OptionalSecretParameter
{
    /// <summary>
    /// Adds a secret parameter whose value comes from configuration (<c>Parameters:{name}</c>,
    /// such as user secrets) and is empty when none is set, so the AppHost starts without asking.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddOptionalSecret(
        this IDistributedApplicationBuilder builder, string name)
    {
        return builder.AddParameter(name, new EmptyParameterDefault(), secret: true);
    }

    /// <summary>An empty default that writes nothing into the manifest, so deployment prompts for a value.</summary>
    private sealed class EmptyParameterDefault : ParameterDefault
    {
        public override string GetDefaultValue() => string.Empty;

        public override void WriteToManifest(ManifestPublishingContext context)
        {
        }
    }
}
