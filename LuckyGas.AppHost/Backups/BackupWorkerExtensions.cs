using LuckyGas.AppHost.Applications;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Postgres;
using LuckyGas.AppHost.S3;

namespace LuckyGas.AppHost.Backups;

/// <summary>Adds the backup worker with what it needs: nodes to dump from, S3, pg-verify and its secrets.</summary>
public static class BackupWorkerExtensions
{
    /// <summary>The resource name.</summary>
    public const string ResourceName = "backup-worker";

    /// <summary>
    /// Adds <c>backup-worker</c>. It dumps from a standby listed in <paramref name="read"/>
    /// (directly, never through pgBouncer), uploads to the <c>s3</c> store, verifies on
    /// <paramref name="verificationServer"/>, keeps local copies in the state folder's
    /// <c>backups</c> folder, and accepts staff tokens signed with <paramref name="tokenSigningKey"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddBackupWorker(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        IResourceBuilder<ConnectionStringResource> read, IResourceBuilder<ExecutableResource> s3,
        IResourceBuilder<ExecutableResource> verificationServer, IResourceBuilder<ParameterResource> postgresPassword,
        IResourceBuilder<ParameterResource> tokenSigningKey)
    {
        var encryptionKey = builder.AddGeneratedSecret("backup-encryption-key");

        // Optional: empty means outcomes are only logged. A generated default would be a URL that
        // goes nowhere, so the default is an empty value that configuration can override.
        var slackWebhookUrl = builder.AddOptionalSecret("slack-webhook-url");

        var backups = state.Combine("backups");
        Directory.CreateDirectory(backups);

        return builder.AddInstance<Projects.LuckyGas_BackupWorker>(ResourceName, ports)
            .WithReference(read)
            .WithEnvironment("Backup__PgDumpPath", Path.Combine(PostgresClusterExtensions.BinDirectory, "pg_dump"))
            .WithEnvironment("Backup__PgRestorePath", Path.Combine(PostgresClusterExtensions.BinDirectory, "pg_restore"))
            .WithEnvironment("Backup__LocalDirectory", backups)
            .WithEnvironment("Backup__EncryptionKey", encryptionKey)
            .WithEnvironment("Backup__VerifyConnectionString",
                VerificationServerExtensions.GetConnectionString(verificationServer, postgresPassword))
            .WithEnvironment("S3__ServiceUrl", S3Store.GetServiceUrl(s3))
            .WithEnvironment("S3__AccessKeyId", S3Store.AccessKeyId)
            .WithEnvironment("S3__SecretAccessKey", S3Store.SecretAccessKey)
            .WithEnvironment("S3__BucketName", S3Store.BackupBucketName)
            .WithEnvironment("Notifications__SlackWebhookUrl", slackWebhookUrl)
            .WithEnvironment("Auth__SigningKey", tokenSigningKey)
            .WaitFor(s3)
            .WaitFor(verificationServer);
    }
}
