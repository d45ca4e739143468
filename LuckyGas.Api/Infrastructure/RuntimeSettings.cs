namespace LuckyGas.Api.Infrastructure;

/// <summary>An optional JSON settings file that the API reloads when it changes.</summary>
public static class RuntimeSettings
{
    /// <summary>The configuration key with the file's absolute path.</summary>
    public const string FileKey = "LuckyGas:RuntimeSettingsFile";

    /// <summary>
    /// Adds the file named by <c>LuckyGas:RuntimeSettingsFile</c> as the last configuration
    /// source, optional and reloaded on change, so its values override every other source.
    /// Settings read through <c>IOptionsMonitor</c>, such as <c>RateLimiting</c>, apply at once.
    /// </summary>
    public static WebApplicationBuilder AddRuntimeSettings(this WebApplicationBuilder builder)
    {
        var path = builder.Configuration[FileKey];
        if (!string.IsNullOrWhiteSpace(path))
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(path), optional: true, reloadOnChange: true);
        }

        return builder;
    }
}
