using System.Diagnostics;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Edge;

/// <summary>The operating-system account that nginx runs as.</summary>
/// <remarks>
/// nginx listens on ports above 1024 here, so it needs no privilege. When the AppHost runs as
/// root, nginx runs as <c>www-data</c>, the account of Debian's nginx package, so that a flaw in
/// nginx cannot reach the AppHost's files; otherwise it runs as the AppHost's own user.
/// </remarks>
public sealed class EdgeAccount
{
    /// <summary>The account the Debian nginx package creates.</summary>
    public const string NginxUser = "www-data";

    private EdgeAccount(bool switchUser) => SwitchesUser = switchUser;

    /// <summary>Whether commands are wrapped to run as <see cref="NginxUser"/>.</summary>
    public bool SwitchesUser { get; }

    /// <summary>Detects whether the AppHost runs as root.</summary>
    public static EdgeAccount Detect() => new(Environment.UserName == "root");

    /// <summary>Returns the command and arguments that run a program as the edge account.</summary>
    public (string Command, string[] Arguments) Wrap(string program, params string[] arguments) =>
        SwitchesUser ? ServerAccount.RunAs(NginxUser, program, arguments) : (program, arguments);

    /// <summary>Creates a folder that only the edge account can enter, owned by it.</summary>
    public void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        GiveOwnership(path);
    }

    /// <summary>Makes the edge account the owner of a file or folder.</summary>
    /// <exception cref="DistributedApplicationException">chown failed.</exception>
    public void GiveOwnership(string path)
    {
        if (!SwitchesUser)
        {
            return;
        }

        using var chown = Process.Start("chown", [$"{NginxUser}:{NginxUser}", path])
            ?? throw new DistributedApplicationException("Failed to start chown.");
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"chown {NginxUser} {path} failed with exit code {chown.ExitCode}. " +
                $"Check that the '{NginxUser}' account exists (apt-get install nginx creates it).");
        }
    }
}
