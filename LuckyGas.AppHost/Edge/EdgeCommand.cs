namespace LuckyGas.AppHost.Edge;

/// <summary>The nginx command lines of the edge.</summary>
public static class EdgeCommand
{
    /// <summary>The nginx binary of the Debian package.</summary>
    public const string Nginx = "/usr/sbin/nginx";

    /// <summary>
    /// Returns the command that runs nginx in the foreground on <paramref name="configFile"/> as
    /// <paramref name="account"/>. The prefix is the configuration's folder and the start-up
    /// error log is stderr, so nginx touches nothing outside the state folder.
    /// </summary>
    public static (string Command, string[] Arguments) Run(string configFile, EdgeAccount account) =>
        account.Wrap(Nginx, Arguments(configFile));

    /// <summary>Returns the command that checks <paramref name="configFile"/> (<c>nginx -t</c>) as the edge runs.</summary>
    public static (string Command, string[] Arguments) Test(string configFile, EdgeAccount account) =>
        account.Wrap(Nginx, ["-t", .. Arguments(configFile)]);

    private static string[] Arguments(string configFile) =>
        ["-p", Path.GetDirectoryName(configFile)!, "-c", configFile, "-e", "stderr"];
}
