namespace LuckyGas.BackupWorker;

/// <summary>What started a run.</summary>
public enum BackupTrigger
{
    Schedule,
    Request,
}

/// <summary>The kind of work a run does.</summary>
public enum BackupRunKind
{
    Backup,
    VerifyLatest,
}

/// <summary>The state of a run.</summary>
public enum BackupRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One backup or verification run, as the worker's endpoints report it.</summary>
public sealed record BackupRun(
    string Id,
    BackupRunKind Kind,
    BackupTrigger Trigger,
    BackupRunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt = null,
    string? BackupName = null,
    string? Source = null,
    long? SizeBytes = null,
    double? DurationSeconds = null,
    string? FailedStep = null,
    string? Error = null);
