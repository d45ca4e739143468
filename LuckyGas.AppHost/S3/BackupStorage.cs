namespace LuckyGas.AppHost.S3;

/// <summary>
/// Where the backup worker stores backups: the local s3rver store in run mode, or an S3 bucket
/// named by parameters in publish mode.
/// </summary>
/// <param name="LocalStore">The local store to wait for, in run mode only.</param>
/// <param name="Settings">The worker's S3 configuration, by environment variable name.</param>
public sealed record BackupStorage(
    IResourceBuilder<ExecutableResource>? LocalStore,
    IReadOnlyDictionary<string, ReferenceExpression> Settings);

/// <summary>Adds the backup storage and gives it to the backup worker.</summary>
public static class BackupStorageExtensions
{
    /// <summary>
    /// Adds the local S3 store in run mode (<see cref="S3StoreExtensions.AddS3Store"/>), or in
    /// publish mode the parameters <c>s3-bucket</c>, <c>s3-region</c>, <c>s3-service-url</c>
    /// (empty for AWS itself, or the endpoint of an S3-compatible store) and the secret
    /// <c>s3-access-key-id</c> and <c>s3-secret-access-key</c>.
    /// </summary>
    public static BackupStorage AddBackupStorage(
        this IDistributedApplicationBuilder builder, Hosting.StateDirectory state, Hosting.PortRegistry ports)
    {
        if (!builder.ExecutionContext.IsPublishMode)
        {
            var store = builder.AddS3Store(state, ports);
            return new BackupStorage(store, new Dictionary<string, ReferenceExpression>
            {
                ["S3__ServiceUrl"] = S3Store.GetServiceUrl(store),
                ["S3__BucketName"] = ReferenceExpression.Create($"{S3Store.BackupBucketName}"),
                ["S3__AccessKeyId"] = ReferenceExpression.Create($"{S3Store.AccessKeyId}"),
                ["S3__SecretAccessKey"] = ReferenceExpression.Create($"{S3Store.SecretAccessKey}"),
            });
        }

        var bucket = builder.AddParameter("s3-bucket", S3Store.BackupBucketName, publishValueAsDefault: true);
        var region = builder.AddParameter("s3-region");
        var serviceUrl = builder.AddParameter("s3-service-url", string.Empty, publishValueAsDefault: true);
        var accessKeyId = builder.AddParameter("s3-access-key-id", secret: true);
        var secretAccessKey = builder.AddParameter("s3-secret-access-key", secret: true);
        return new BackupStorage(null, new Dictionary<string, ReferenceExpression>
        {
            ["S3__ServiceUrl"] = ReferenceExpression.Create($"{serviceUrl.Resource}"),
            ["S3__BucketName"] = ReferenceExpression.Create($"{bucket.Resource}"),
            ["S3__Region"] = ReferenceExpression.Create($"{region.Resource}"),
            ["S3__AccessKeyId"] = ReferenceExpression.Create($"{accessKeyId.Resource}"),
            ["S3__SecretAccessKey"] = ReferenceExpression.Create($"{secretAccessKey.Resource}"),
        });
    }

    /// <summary>Passes the storage settings to the worker, which waits for the local store in run mode.</summary>
    public static IResourceBuilder<ProjectResource> WithBackupStorage(
        this IResourceBuilder<ProjectResource> worker, BackupStorage storage)
    {
        foreach (var (name, value) in storage.Settings)
        {
            worker.WithEnvironment(name, value);
        }

        return storage.LocalStore is null ? worker : worker.WaitFor(storage.LocalStore);
    }
}
