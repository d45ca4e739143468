namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// The folder that holds every server's data and rendered configuration in run mode, one
/// subfolder per resource.
/// </summary>
/// <remarks>
/// It is kept between runs of the AppHost, so the cluster keeps its data and each node keeps the
/// role it had. Tests pass a fresh temporary folder through <see cref="ConfigurationKey"/>.
/// </remarks>
public sealed class StateDirectory
{
    /// <summary>The configuration key that overrides the default location.</summary>
    public const string ConfigurationKey = "LuckyGas:StateDirectory";

    private StateDirectory(string path) => Path = path;

    /// <summary>The absolute path of the state folder.</summary>
    public string Path { get; }

    /// <summary>
    /// Resolves the state folder from configuration, defaulting to <c>.state</c> at the
    /// repository root, and creates it so that the server accounts can reach it.
    /// </summary>
    public static StateDirectory Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var path = string.IsNullOrWhiteSpace(configured)
            ? System.IO.Path.Combine(builder.AppHostDirectory, "..", ".state")
            : configured;

        var state = new StateDirectory(System.IO.Path.GetFullPath(path));
        Directory.CreateDirectory(state.Path);

        // Servers that run as the postgres account must traverse this folder.
        File.SetUnixFileMode(state.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite |
            UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        return state;
    }

    /// <summary>Returns the path of a file or folder inside the state folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
