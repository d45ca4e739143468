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
    /// (directly, never through pgBouncer), uploads to <paramref name="storage"/>, verifies on
    /// <paramref name="verificationServer"/>, keeps local copies in the state folder's
    /// <c>backups</c> folder, posts outcomes to <paramref name="slackWebhookUrl"/> when it is set,
    /// and accepts staff tokens signed with <paramref name="tokenSigningKey"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddBackupWorker(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        IResourceBuilder<IResourceWithConnectionString> read, BackupStorage storage,
        IResourceBuilder<ExecutableResource> verificationServer, IResourceBuilder<ParameterResource> postgresPassword,
        IResourceBuilder<ParameterResource> tokenSigningKey, IResourceBuilder<ParameterResource> slackWebhookUrl)
    {
        var encryptionKey = builder.AddGeneratedSecret("backup-encryption-key");

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
            .WithBackupStorage(storage)
            .WithEnvironment("Notifications__SlackWebhookUrl", slackWebhookUrl)
            .WithEnvironment("Auth__SigningKey", tokenSigningKey)
            .WaitFor(verificationServer);
    }
}
