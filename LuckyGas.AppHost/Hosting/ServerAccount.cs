using System.Diagnostics;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// The operating-system account that PostgreSQL, repmgr and pgBouncer run as.
/// </summary>
/// <remarks>
/// These servers refuse to start as root. When the AppHost itself runs as root, their commands are
/// wrapped in <c>setpriv</c> so that they run as the <c>postgres</c> account that the Debian
/// packages create; otherwise they run as the AppHost's own user.
/// </remarks>
public sealed class ServerAccount
{
    /// <summary>The account the Debian PostgreSQL packages create.</summary>
    public const string PostgresUser = "postgres";

    private ServerAccount(bool switchUser) => SwitchesUser = switchUser;

    /// <summary>Whether commands are wrapped to run as <see cref="PostgresUser"/>.</summary>
    public bool SwitchesUser { get; }

    /// <summary>Detects whether the AppHost runs as root.</summary>
    public static ServerAccount Detect() => new(Environment.UserName == "root");

    /// <summary>Returns the command and arguments that run a program as the server account.</summary>
    public (string Command, string[] Arguments) Wrap(string program, params string[] arguments) =>
        SwitchesUser ? RunAs(PostgresUser, program, arguments) : (program, arguments);

    /// <summary>Returns the <c>setpriv</c> command that runs a program as <paramref name="user"/>.</summary>
    public static (string Command, string[] Arguments) RunAs(string user, string program, string[] arguments) =>
        ("setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", "--", program, .. arguments]);

    /// <summary>
    /// Checks that the server account can enter <paramref name="path"/>, which fails when a folder
    /// above it, such as a private home folder or a <c>mktemp -d</c> folder, has mode 0700.
    /// </summary>
    /// <exception cref="DistributedApplicationException">The account cannot enter the folder.</exception>
    public void VerifyCanEnter(string path)
    {
        if (!CanEnter(path))
        {
            throw new DistributedApplicationException(
                $"The '{PostgresUser}' account cannot enter the state folder {path}, because a folder above it " +
                "is private to root. Choose a state folder that every account can traverse, for example " +
                "--LuckyGas:StateDirectory=/var/lib/luckygas/main, or allow traversal with chmod o+x on the private folder.");
        }
    }

    /// <summary>Returns whether the server account can enter <paramref name="path"/>.</summary>
    public bool CanEnter(string path)
    {
        if (!SwitchesUser)
        {
            return true;
        }

        var (command, arguments) = Wrap("test", "-x", path);
        using var test = Process.Start(command, arguments)
            ?? throw new DistributedApplicationException($"Failed to start {command}.");
        test.WaitForExit();
        return test.ExitCode == 0;
    }

    /// <summary>Creates a folder that only the server account can read, owned by it.</summary>
    public void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        GiveOwnership(path);
    }

    /// <summary>Makes the server account the owner of a file or folder.</summary>
    public void GiveOwnership(string path)
    {
        if (!SwitchesUser)
        {
            return;
        }

        using var chown = Process.Start("chown", [$"{PostgresUser}:{PostgresUser}", path])
            ?? throw new DistributedApplicationException("Failed to start chown.");
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"chown {PostgresUser} {path} failed with exit code {chown.ExitCode}. " +
                $"Check that the '{PostgresUser}' account exists (apt-get install postgresql-15).");
        }
    }
}
