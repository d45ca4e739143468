using System.Globalization;
using System.Net;
using LuckyGas.AppHost.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.AppHost.S3;

/// <summary>The names and credentials that projects use to reach the local S3 store.</summary>
public static class S3Store
{
    /// <summary>The resource name.</summary>
    public const string ResourceName = "s3";

    /// <summary>The bucket that backups are written to. s3rver creates it at startup.</summary>
    public const string BackupBucketName = "luckygas-backups";

    /// <summary>The access key ID that s3rver 3.7 accepts. It is built into s3rver, so it is no secret.</summary>
    public const string AccessKeyId = "S3RVER";

    /// <summary>The secret access key that s3rver 3.7 accepts, built in like <see cref="AccessKeyId"/>.</summary>
    public const string SecretAccessKey = "S3RVER";

    /// <summary>
    /// Returns the S3 service URL, <c>http://127.0.0.1:{port}</c>, for a project's S3 client.
    /// Clients must use path-style addressing, because the bucket name is not a host name here.
    /// </summary>
    public static ReferenceExpression GetServiceUrl(IResourceBuilder<ExecutableResource> store)
    {
        return ReferenceExpression.Create($"http://127.0.0.1:{store.GetEndpoint("http").Property(EndpointProperty.Port)}");
    }
}

/// <summary>Adds a local S3-compatible store for backups, as a host process for run mode.</summary>
public static class S3StoreExtensions
{
    /// <summary>
    /// Adds an <c>s3</c> resource that runs s3rver from the repository's <c>node_modules</c>, keeps
    /// its objects in the state folder and creates the <see cref="S3Store.BackupBucketName"/>
    /// bucket. It is healthy when listing that bucket returns HTTP 200.
    /// </summary>
    /// <remarks>
    /// scripts/setup.sh installs s3rver from package.json at the repository root. s3rver runs as
    /// the AppHost's own user, root included.
    /// </remarks>
    public static IResourceBuilder<ExecutableResource> AddS3Store(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports)
    {
        const string name = S3Store.ResourceName;
        var directory = state.Combine(name);
        Directory.CreateDirectory(directory);
        var port = ports.GetPort(name);

        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var script = Path.Combine(repositoryRoot, "node_modules", "s3rver", "bin", "s3rver.js");

        // Checked only when the resources start, so that publishing does not need node_modules.
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            if (!File.Exists(script))
            {
                throw new DistributedApplicationException(
                    $"s3rver was not found at {script}. Run scripts/setup.sh to install the Node.js packages.");
            }

            return Task.CompletedTask;
        });

        string[] arguments =
        [
            script,
            "--address", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--directory", directory,
            "--configure-bucket", S3Store.BackupBucketName,
            // Without this, s3rver logs every request, including each health check.
            "--silent",
        ];

        builder.Services.AddHealthChecks().Add(new(name,
            _ => new S3StoreHealthCheck(port), failureStatus: null, tags: null));

        return builder.AddExecutable(name, "node", repositoryRoot, arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "http", name: "http", isProxied: false)
            .WithHealthCheck(name);
    }
}

/// <summary>Checks that listing the backup bucket returns HTTP 200.</summary>
/// <param name="port">s3rver's port on 127.0.0.1.</param>
internal sealed class S3StoreHealthCheck(int port) : IHealthCheck
{
    // One client shared by every check, because each HttpClient keeps its own connection pool.
    private static readonly HttpClient s_client = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // s3rver accepts unsigned requests, so a plain GET lists the bucket.
        var url = $"http://127.0.0.1:{port}/{S3Store.BackupBucketName}";
        try
        {
            using var response = await s_client.GetAsync(url, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? HealthCheckResult.Healthy($"Listing bucket '{S3Store.BackupBucketName}' succeeded.")
                : HealthCheckResult.Unhealthy(
                    $"Listing bucket '{S3Store.BackupBucketName}' returned HTTP {(int)response.StatusCode}.");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"GET {url} failed or timed out.", exception);
        }
    }
}
