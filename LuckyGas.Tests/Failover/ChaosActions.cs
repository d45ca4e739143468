using System.Diagnostics;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Failover;

/// <summary>Faults injected into the servers of one started platform, found through its state folder.</summary>
public static class ChaosActions
{
    /// <summary>
    /// Returns the process id of a PostgreSQL node's postmaster, from the first line of
    /// <c>postmaster.pid</c> in the node's data folder.
    /// </summary>
    public static int PostmasterId(this PlatformInstance platform, string node)
    {
        var pidFile = Path.Combine(platform.StateDirectory, node, "data", "postmaster.pid");
        return int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends SIGKILL to a process of this platform.</summary>
    public static void Kill(int processId)
    {
        using var process = Process.GetProcessById(processId);
        process.Kill();
    }

    /// <summary>Sends a signal, such as STOP or CONT, to a process of this platform.</summary>
    public static void Signal(int processId, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {processId} failed with exit code {kill.ExitCode}.");
    }

    /// <summary>
    /// Returns the process id of the server that listens on <paramref name="port"/> of 127.0.0.1 and
    /// works in the platform's state folder, so no other platform's process can be hit. A project
    /// works in its project folder instead, so pass <paramref name="inStateFolder"/> false for one. Its
    /// port comes from this platform's <c>ports.json</c>, so only this platform's process listens on it.
    /// </summary>
    public static int ListenerId(this PlatformInstance platform, int port, bool inStateFolder = true)
    {
        var inode = ListeningSocketInode(port)
            ?? throw new InvalidOperationException($"No socket listens on 127.0.0.1:{port}.");
        foreach (var processDirectory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(processDirectory), out var processId))
            {
                continue;
            }

            try
            {
                var workingDirectory = new FileInfo(Path.Combine(processDirectory, "cwd")).LinkTarget ?? "";
                if (inStateFolder && !workingDirectory.StartsWith(platform.StateDirectory, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(processDirectory, "fd")))
                {
                    if (new FileInfo(descriptor).LinkTarget == $"socket:[{inode}]")
                    {
                        return processId;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was being read.
            }
        }

        throw new InvalidOperationException($"No process in {platform.StateDirectory} listens on port {port}.");
    }

    private static string? ListeningSocketInode(int port)
    {
        var hexPort = port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // Field 1 is the local address as hex "0100007F:PORT"; state 0A is LISTEN; field 9 is the inode.
            if (fields[1] == $"0100007F:{hexPort}" && fields[3] == "0A")
            {
                return fields[9];
            }
        }

        return null;
    }
}
