using LuckyGas.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace LuckyGas.AppHost.Applications;

/// <summary>Passes AppHost settings under <see cref="SectionName"/> to the API instances.</summary>
public static class ApiSettings
{
    /// <summary>
    /// The AppHost configuration section whose keys reach every API instance with the prefix
    /// removed: <c>--Api:RateLimiting:Enabled=false</c> sets <c>RateLimiting:Enabled</c>.
    /// </summary>
    public const string SectionName = "Api";

    /// <summary>The name of the runtime settings file in the state folder.</summary>
    public const string RuntimeSettingsFileName = "api-settings.json";

    /// <summary>The environment variable that names the runtime settings file for the API.</summary>
    public const string RuntimeSettingsKey = "LuckyGas__RuntimeSettingsFile";

    /// <summary>
    /// Sets an environment variable on the API instance for every key under the <c>Api</c> section
    /// of the AppHost's configuration, and names the runtime settings file
    /// (<c>api-settings.json</c> in the state folder), in run mode only.
    /// </summary>
    /// <remarks>
    /// Run mode only, because publish mode would write the values into the manifest in clear,
    /// and a value there may be a secret such as a previous pepper.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> WithApiSettings(
        this IResourceBuilder<ProjectResource> api, IConfiguration configuration, StateDirectory state)
    {
        if (api.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return api;
        }

        // A JSON file that the instances reload on change, for switches such as
        // RateLimiting:Enabled during drills and measurements without a restart.
        var runtimeSettings = state.Combine(RuntimeSettingsFileName);
        if (!File.Exists(runtimeSettings))
        {
            File.WriteAllText(runtimeSettings, "{}\n");
        }

        api.WithEnvironment(RuntimeSettingsKey, runtimeSettings);

        var section = configuration.GetSection(SectionName);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                api.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return api;
    }
}
