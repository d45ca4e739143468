using System.Globalization;

namespace LuckyGas.Tests.Infrastructure;

/// <summary>Finds a local server process by its listening port and reads its memory, from /proc (Linux only).</summary>
public static class ProcessMemory
{
    /// <summary>Returns the id of the process that listens on TCP <paramref name="port"/>, or throws.</summary>
    public static int FindListener(int port)
    {
        var inodes = ListeningInodes(port);
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    var target = new FileInfo(descriptor).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) &&
                        inodes.Contains(target["socket:[".Length..^1]))
                    {
                        return pid;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended or is not readable; it is not the listener.
            }
        }

        throw new InvalidOperationException($"No process listens on TCP port {port}.");
    }

    /// <summary>Returns the resident set size of the process in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }

    private static HashSet<string> ListeningInodes(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // Columns: sl local_address rem_address st ... inode; state 0A is LISTEN.
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[3] == "0A" && columns[1].EndsWith(":" + hexPort, StringComparison.Ordinal))
                {
                    inodes.Add(columns[9]);
                }
            }
        }

        return inodes;
    }
}
