using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// The folder that contains every server's data and rendered configuration in run mode, one
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
    /// repository root, and creates it so that the server account can enter it.
    /// </summary>
    /// <remarks>
    /// When the default location is inside a folder that only root may enter, such as a clone
    /// under <c>/root</c>, the default moves to <c>/var/lib/luckygas/</c> with a folder per
    /// repository, because the servers that run as the postgres account must reach their data.
    /// A configured location is used as given, and <see cref="ServerAccount.VerifyCanEnter"/>
    /// reports when it cannot work.
    /// </remarks>
    public static StateDirectory Resolve(IDistributedApplicationBuilder builder, ServerAccount account)
    {
        var configured = builder.Configuration[ConfigurationKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Create(System.IO.Path.GetFullPath(configured), account);
        }

        var repositoryRoot = System.IO.Path.GetFullPath(System.IO.Path.Combine(builder.AppHostDirectory, ".."));
        var state = Create(System.IO.Path.Combine(repositoryRoot, ".state"), account);
        if (account.CanEnter(state.Path))
        {
            return state;
        }

        var repositoryId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..12];
        Directory.CreateDirectory("/var/lib/luckygas");
        return Create($"/var/lib/luckygas/{repositoryId}", account);
    }

    /// <summary>
    /// Resolves the state folder as <see cref="Resolve"/> does, returning false with a message
    /// instead of throwing when the folder cannot be used, so the AppHost can exit without a stack
    /// trace.
    /// </summary>
    public static bool TryResolve(
        IDistributedApplicationBuilder builder, ServerAccount account,
        [NotNullWhen(true)] out StateDirectory? state, [NotNullWhen(false)] out string? error)
    {
        try
        {
            state = Resolve(builder, account);
            error = null;
            return true;
        }
        catch (Exception exception) when (exception is DistributedApplicationException or IOException or UnauthorizedAccessException)
        {
            state = null;
            error = exception.Message;
            return false;
        }
    }

    private static StateDirectory Create(string path, ServerAccount account)
    {
        Directory.CreateDirectory(path);

        // Servers that run as the postgres account must traverse this folder.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite |
            UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        account.VerifyCanEnter(path);

        return new StateDirectory(path);
    }

    /// <summary>Returns the path of a file or folder inside the state folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
