using System.Diagnostics;
using System.IO.Compression;
using LuckyGas.BackupWorker.Dumps;
using LuckyGas.BackupWorker.Encryption;

namespace LuckyGas.BackupWorker.Verification;

/// <summary>Restores an encrypted backup file into a database: decrypt, gunzip, then pg_restore.</summary>
public static class BackupRestorer
{
    /// <summary>
    /// Streams <paramref name="encryptedPath"/> through decryption and gunzip into
    /// <c>pg_restore --exit-on-error --no-owner --no-privileges</c> connected to
    /// <paramref name="targetConnectionString"/>. Objects belong to the target connection's role.
    /// </summary>
    /// <exception cref="BackupFormatException">The file cannot be decrypted.</exception>
    /// <exception cref="BackupStepException">pg_restore reported an error.</exception>
    public static async Task RestoreAsync(
        string encryptedPath, BackupKeyRing keys, string pgRestorePath, string targetConnectionString,
        CancellationToken cancellationToken)
    {
        // Without --dbname pg_restore would write an SQL script instead of connecting.
        var database = new Npgsql.NpgsqlConnectionStringBuilder(targetConnectionString).Database;
        string[] arguments = ["--exit-on-error", "--no-owner", "--no-privileges", "--single-transaction", $"--dbname={database}"];
        var start = ProcessRunner.ForConnection(pgRestorePath, targetConnectionString, arguments);
        using var process = Process.Start(start)
            ?? throw new BackupStepException(BackupSteps.Verify, $"Failed to start {pgRestorePath}.");
        var errors = ProcessRunner.CollectErrorsAsync(process, cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);

        try
        {
            await using (var file = new FileStream(encryptedPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var decrypting = new DecryptingStream(file, keys))
            await using (var gzip = new GZipStream(decrypting, CompressionMode.Decompress))
            {
                try
                {
                    await gzip.CopyToAsync(process.StandardInput.BaseStream, 1 << 16, cancellationToken);
                }
                catch (IOException)
                {
                    // pg_restore stopped reading, normally after an error; its exit code and
                    // message follow. A failure to read the file itself surfaces below.
                    if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                    {
                        throw;
                    }
                }
            }

            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // pg_restore has already exited, and its exit code gives the reason.
            }

            await process.WaitForExitAsync(cancellationToken);
        }
        catch
        {
            ProcessRunner.KillQuietly(process);
            throw;
        }

        var stderr = (await errors).Trim();
        await output;
        if (process.ExitCode != 0 || stderr.Contains("error:", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupStepException(BackupSteps.Verify,
                $"pg_restore exited with code {process.ExitCode}: {(stderr.Length > 0 ? stderr : "no message")}");
        }
    }
}
