using System.IO.Compression;

namespace LuckyGas.BackupWorker;

/// <summary>Settings of the backup worker, from the <c>Backup</c> configuration section.</summary>
public sealed class BackupOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Backup";

    /// <summary>When scheduled backups run: a five-field cron expression in <see cref="TimeZone"/>.</summary>
    public string Schedule { get; set; } = "0 2 * * *";

    /// <summary>The IANA time zone that <see cref="Schedule"/> is read in.</summary>
    public string TimeZone { get; set; } = "Asia/Taipei";

    /// <summary>Whether the scheduler runs; the dashboard command and the API still work when it does not.</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>The pg_dump program: its major version must be at least the server's.</summary>
    public string PgDumpPath { get; set; } = "pg_dump";

    /// <summary>The pg_restore program that verification and the restore command run.</summary>
    public string PgRestorePath { get; set; } = "pg_restore";

    /// <summary>The database to back up, on the hosts of <see cref="SourceConnectionStringName"/>.</summary>
    public string? Database { get; set; }

    /// <summary>
    /// The connection string, under <c>ConnectionStrings</c>, that lists every node: the worker
    /// dumps from a streaming standby and falls back to the primary.
    /// </summary>
    public string SourceConnectionStringName { get; set; } = "luckygas-read";

    /// <summary>The PostgreSQL server that restore verification creates its scratch databases on.</summary>
    public string? VerifyConnectionString { get; set; }

    /// <summary>The folder that keeps local copies and temporary files.</summary>
    public string LocalDirectory { get; set; } = "backups";

    /// <summary>How long local copies are kept.</summary>
    public TimeSpan LocalRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long backups are kept in S3.</summary>
    public TimeSpan RemoteRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The secret that the AES-256 key of new backups is derived from.</summary>
    public string EncryptionKey { get; set; } = "";

    /// <summary>Earlier secrets, so that backups made before a key change can still be restored.</summary>
    public List<string> PreviousEncryptionKeys { get; set; } = [];

    /// <summary>The gzip level of the dump before encryption.</summary>
    public CompressionLevel CompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Whether each backup is restored on the verification server before it counts as good.</summary>
    public bool VerifyAfterBackup { get; set; } = true;

    /// <summary>The longest a whole backup may take before it fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>Settings of the S3 store, from the <c>S3</c> configuration section.</summary>
public sealed class S3Options
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "S3";

    /// <summary>The service URL of an S3-compatible store; empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The region that requests are signed for.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The access key id; empty to use the SDK's default credential chain.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>The bucket that backups are written to.</summary>
    public string BucketName { get; set; } = "luckygas-backups";

    /// <summary>The key prefix of every backup object.</summary>
    public string Prefix { get; set; } = "backups/";

    /// <summary>Files at least this large are uploaded in parts.</summary>
    public long MultipartThreshold { get; set; } = 64L * 1024 * 1024;

    /// <summary>The part size of multipart uploads; S3 requires at least 5 MiB for every part but the last.</summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;
}

/// <summary>Settings of outcome notifications, from the <c>Notifications</c> configuration section.</summary>
public sealed class NotificationOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Notifications";

    /// <summary>A Slack-compatible incoming webhook URL; empty means outcomes are only logged.</summary>
    public string? SlackWebhookUrl { get; set; }
}
