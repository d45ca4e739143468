using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace LuckyGas.BackupWorker.Dumps;

/// <summary>Checks that pg_dump can dump the server: its major version must be at least the server's.</summary>
public static partial class PgDumpVersion
{
    /// <summary>
    /// Runs <c>pg_dump --version</c> and reads the server's <c>server_version_num</c>, and returns
    /// both major versions when pg_dump's is at least the server's.
    /// </summary>
    /// <exception cref="BackupStepException">pg_dump is older than the server, missing, or prints no version.</exception>
    public static async Task<(int Client, int Server)> EnsureCompatibleAsync(
        string pgDumpPath, string serverConnectionString, CancellationToken cancellationToken)
    {
        var client = await ReadClientMajorAsync(pgDumpPath, cancellationToken);

        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version_num')::int", connection);
        var server = (int)(await command.ExecuteScalarAsync(cancellationToken))! / 10000;

        if (client < server)
        {
            throw new BackupStepException(BackupSteps.Version,
                $"pg_dump at {pgDumpPath} is version {client}, older than the PostgreSQL {server} server at " +
                $"{connection.Host}:{connection.Port}, and pg_dump cannot dump a newer server. Install the PostgreSQL " +
                $"{server} client tools (or newer) and set Backup:PgDumpPath to that pg_dump.");
        }

        return (client, server);
    }

    /// <summary>Runs <c>{program} --version</c> and returns the major version it prints.</summary>
    public static async Task<int> ReadClientMajorAsync(string program, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        string output;
        try
        {
            using var process = Process.Start(start)
                ?? throw new BackupStepException(BackupSteps.Version, $"Failed to start {program}.");
            output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new BackupStepException(BackupSteps.Version,
                $"{program} could not be started ({exception.Message}). Install the PostgreSQL client tools or set " +
                "Backup:PgDumpPath and Backup:PgRestorePath.", exception);
        }

        var match = VersionPattern().Match(output);
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new BackupStepException(BackupSteps.Version,
                $"{program} --version printed '{output.Trim()}', which names no PostgreSQL version.");
    }

    // pg_dump prints, for example, "pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)".
    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();
}
