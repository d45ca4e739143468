using System.Diagnostics;
using System.Text;
using Npgsql;

namespace LuckyGas.BackupWorker.Dumps;

/// <summary>Starts the PostgreSQL client programs with the connection in libpq environment variables.</summary>
/// <remarks>
/// The password goes into <c>PGPASSWORD</c> of the child alone, never onto a command line that
/// <c>ps</c> would show.
/// </remarks>
public static class ProcessRunner
{
    /// <summary>The most standard error kept for an error message.</summary>
    private const int MaxErrorLength = 2000;

    /// <summary>Returns a start description for <paramref name="program"/> connecting to <paramref name="connectionString"/>.</summary>
    public static ProcessStartInfo ForConnection(string program, string connectionString, IEnumerable<string> arguments)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = connection.Database;
        start.Environment["PGUSER"] = connection.Username;
        // Without a password in the connection string, the child keeps the PGPASSWORD (or the
        // password file) it inherits, which is where Npgsql found the password as well.
        if (!string.IsNullOrEmpty(connection.Password))
        {
            start.Environment["PGPASSWORD"] = connection.Password;
        }

        start.Environment["PGCONNECT_TIMEOUT"] = "10";
        return start;
    }

    /// <summary>Collects standard error in the background, keeping the last <see cref="MaxErrorLength"/> characters.</summary>
    public static Task<string> CollectErrorsAsync(Process process, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var text = new StringBuilder();
        while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
        {
            text.AppendLine(line);
            if (text.Length > MaxErrorLength * 2)
            {
                text.Remove(0, text.Length - MaxErrorLength);
            }
        }

        return text.Length > MaxErrorLength ? text.ToString(text.Length - MaxErrorLength, MaxErrorLength) : text.ToString();
    }, CancellationToken.None);

    /// <summary>Kills the process tree unless it has exited, ignoring a process that is already gone.</summary>
    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // The process exited between the check and the kill.
        }
    }
}
