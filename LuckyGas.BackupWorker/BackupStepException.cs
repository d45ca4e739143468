namespace LuckyGas.BackupWorker;

/// <summary>Names of the steps of a backup, as the failure metric and notifications report them.</summary>
public static class BackupSteps
{
    public const string Source = "source";
    public const string Version = "version";
    public const string Dump = "dump";
    public const string Encrypt = "encrypt";
    public const string Upload = "upload";
    public const string Verify = "verify";
    public const string Manifest = "manifest";
    public const string Retention = "retention";
}

/// <summary>A backup step failed; the message says what failed and what to do.</summary>
public sealed class BackupStepException(string step, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>One of <see cref="BackupSteps"/>.</summary>
    public string Step { get; } = step;
}
