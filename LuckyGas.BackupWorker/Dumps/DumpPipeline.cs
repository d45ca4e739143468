using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using LuckyGas.BackupWorker.Encryption;

namespace LuckyGas.BackupWorker.Dumps;

/// <summary>The encrypted file that a dump produced.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="SizeBytes">The encrypted file's length.</param>
/// <param name="Sha256">The SHA-256 of the encrypted file, as lowercase hex.</param>
/// <param name="DumpBytes">The bytes pg_dump wrote, before compression.</param>
public sealed record EncryptedDump(string Path, long SizeBytes, string Sha256, long DumpBytes);

/// <summary>
/// Streams <c>pg_dump -Fc -Z0</c> through gzip and AES-256-GCM into a file, hashing the
/// encrypted bytes as they are written; no stage holds more than one chunk.
/// </summary>
/// <remarks>
/// pg_dump compresses nothing (<c>-Z0</c>) and the worker gzips the whole archive instead: the
/// compression then runs on the worker's thread in parallel with pg_dump's own work, and the
/// decrypted file is an ordinary gzip file of an ordinary custom-format archive, which
/// <c>gunzip</c> and <c>pg_restore</c> read without this program.
/// </remarks>
public static class DumpPipeline
{
    /// <summary>
    /// Dumps the database of <paramref name="source"/> in <paramref name="snapshotId"/> into
    /// <paramref name="path"/>. On any failure the file is deleted before the exception leaves.
    /// </summary>
    /// <exception cref="BackupStepException">pg_dump failed (step dump) or writing failed (step encrypt).</exception>
    public static async Task<EncryptedDump> RunAsync(
        string pgDumpPath, DumpSource source, string? snapshotId, string path, BackupKey key,
        CompressionLevel compressionLevel, CancellationToken cancellationToken)
    {
        string[] arguments = snapshotId is null
            ? ["--format=custom", "--compress=0"]
            : ["--format=custom", "--compress=0", $"--snapshot={snapshotId}"];
        var start = ProcessRunner.ForConnection(pgDumpPath, source.ConnectionString, arguments);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BackupStepException(BackupSteps.Dump, $"Failed to start {pgDumpPath}.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new BackupStepException(BackupSteps.Dump, $"{pgDumpPath} could not be started: {exception.Message}", exception);
        }

        using (process)
        {
            process.StandardInput.Close();
            var errors = ProcessRunner.CollectErrorsAsync(process, cancellationToken);
            try
            {
                return await WriteAsync(process, errors, path, key, compressionLevel, cancellationToken);
            }
            catch
            {
                ProcessRunner.KillQuietly(process);
                File.Delete(path);
                throw;
            }
        }
    }

    private static async Task<EncryptedDump> WriteAsync(
        Process process, Task<string> errors, string path, BackupKey key,
        CompressionLevel compressionLevel, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long dumpBytes;
        Exception? writeFailure = null;

        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        await using (var hashing = new HashingStream(file, hash))
        await using (var encrypting = new EncryptingStream(hashing, key))
        {
            var counting = new CountingStream(process.StandardOutput.BaseStream);
            try
            {
                await using (var gzip = new GZipStream(encrypting, compressionLevel, leaveOpen: true))
                {
                    await counting.CopyToAsync(gzip, 1 << 16, cancellationToken);
                }
            }
            catch (Exception exception) when (exception is IOException or CryptographicException)
            {
                writeFailure = exception;
            }

            await process.WaitForExitAsync(cancellationToken);
            var stderr = await errors;
            if (process.ExitCode != 0)
            {
                throw new BackupStepException(BackupSteps.Dump,
                    $"pg_dump exited with code {process.ExitCode}: {stderr.Trim()}");
            }

            if (writeFailure is not null)
            {
                throw new BackupStepException(BackupSteps.Encrypt,
                    $"Compressing, encrypting or writing {path} failed: {writeFailure.Message}", writeFailure);
            }

            // Only a dump that pg_dump finished successfully gets its final chunk.
            await encrypting.CompleteAsync(cancellationToken);
            dumpBytes = counting.BytesRead;
        }

        var size = new FileInfo(path).Length;
        return new EncryptedDump(path, size, Convert.ToHexStringLower(hash.GetHashAndReset()), dumpBytes);
    }
}
