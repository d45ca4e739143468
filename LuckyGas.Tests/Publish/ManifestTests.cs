using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// The committed <c>aspire-manifest.json</c>: current, valid, deployable by azd, free of secret
/// values, and complete.
/// </summary>
public sealed class ManifestTests(PublishedManifest published) : IClassFixture<PublishedManifest>
{
    // The resource types azd deploys. It rejects executable.v0 and other types it does not know.
    private static readonly HashSet<string> s_azdResourceTypes =
    [
        "project.v0", "project.v1", "container.v0", "container.v1", "dockerfile.v0",
        "parameter.v0", "value.v0", "azure.bicep.v0", "azure.bicep.v1",
    ];

    /// <summary>
    /// The manifest schema, loaded once, because JsonSchema.Net registers a schema under its $id
    /// and rejects a second registration.
    /// </summary>
    internal static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFile(Path.Combine(AppHostPublisher.RepositoryRoot, "schemas", "aspire-8.0.json")));

    // Words that mark a parameter as a credential in this platform's naming.
    private static readonly string[] s_secretWords = ["password", "key", "secret", "webhook", "pepper"];

    [Fact]
    public async Task CommittedManifest_MatchesPublishOutput()
    {
        var committed = File.Exists(AppHostPublisher.CommittedManifestPath)
            ? await File.ReadAllTextAsync(AppHostPublisher.CommittedManifestPath)
            : "";

        Assert.True(Normalize(committed) == Normalize(published.Text),
            "aspire-manifest.json is missing or stale. Regenerate it from the repository root with: " +
            AppHostPublisher.RegenerateCommand);
    }

    [Fact]
    public void Manifest_ValidatesAgainstSchema()
    {
        using var manifest = JsonDocument.Parse(published.Text);

        var result = Schema.Value.Evaluate(manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        var errors = (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))
            .Take(20);
        Assert.True(result.IsValid, "The manifest does not match schemas/aspire-8.0.json:\n" + string.Join('\n', errors));
    }

    [Fact]
    public void Schema_RejectsInvalidBinding()
    {
        // A control for the test above: the schema is loaded and enforced.
        var manifest = JsonNode.Parse(published.Text)!;
        manifest["resources"]!["pgbouncer"]!["bindings"]!["tcp"]!["protocol"] = "sctp";

        var result = Schema.Value.Evaluate(JsonSerializer.SerializeToElement(manifest));

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Manifest_ContainsOnlyAzdResourceTypes()
    {
        var rejected = published.Resources
            .Where(pair => !s_azdResourceTypes.Contains(PublishedManifest.TypeOf(pair.Value)))
            .Select(pair => $"{pair.Key} ({PublishedManifest.TypeOf(pair.Value)})")
            .ToList();

        Assert.True(rejected.Count == 0, $"Resource types azd does not deploy: {string.Join(", ", rejected)}");
    }

    [Fact]
    public void CredentialParameters_AreSecret()
    {
        var credentials = published.NamesOfType("parameter.v0")
            .Where(name => s_secretWords.Any(word => name.Contains(word, StringComparison.Ordinal)))
            .ToList();

        Assert.Contains("db-password", credentials);
        foreach (var name in credentials)
        {
            var input = published.Resources[name]!["inputs"]!["value"]!;
            Assert.True(input["secret"]?.GetValue<bool>() == true, $"Parameter {name} is not marked secret.");
        }
    }

    [Fact]
    public void SecretParameters_HaveNoLiteralDefault()
    {
        foreach (var name in published.NamesOfType("parameter.v0"))
        {
            var input = published.Resources[name]!["inputs"]!["value"]!;
            if (input["secret"]?.GetValue<bool>() == true)
            {
                // A generated default is produced at deployment, but a literal one would be in the file.
                Assert.True(input["default"]?["value"] is null, $"Secret parameter {name} publishes a literal default.");
            }
        }
    }

    [Fact]
    public void Manifest_ContainsNoSuppliedSecretValue()
    {
        string[] values =
        [
            published.Secrets.PostgresPassword, published.Secrets.ReplicationPassword,
            published.Secrets.DatabasePassword, published.Secrets.RedisPassword,
            published.Secrets.TokenSigningKey, published.Secrets.AdminPassword,
            // The local S3 store's built-in credentials belong to run mode only.
            LuckyGas.AppHost.S3.S3Store.SecretAccessKey,
        ];

        foreach (var value in values)
        {
            Assert.DoesNotContain(value, published.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CommittedManifest_ContainsNoUserSecretValue()
    {
        // The AppHost keeps run-mode secrets in its user secrets on a developer's machine.
        var secretsFile = Microsoft.Extensions.Configuration.UserSecrets.PathHelper
            .GetSecretsPathFromSecretsId("luckygas-apphost-8f3b2c61");
        var committed = File.ReadAllText(AppHostPublisher.CommittedManifestPath);
        var values = File.Exists(secretsFile)
            ? JsonNode.Parse(File.ReadAllText(secretsFile))!.AsObject()
                .Select(pair => pair.Value?.ToString() ?? "")
                .Where(value => value.Length >= 8)
            : [];

        foreach (var value in values)
        {
            Assert.DoesNotContain(value, committed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExternalBindings_BelongOnlyToEdge()
    {
        var external = new List<string>();
        foreach (var (name, resource) in published.Resources)
        {
            foreach (var (binding, settings) in resource!["bindings"]?.AsObject() ?? [])
            {
                if (settings!["external"]?.GetValue<bool>() == true)
                {
                    external.Add($"{name}.{binding}");
                }
            }
        }

        Assert.All(external, binding => Assert.StartsWith("edge.", binding, StringComparison.Ordinal));
        if (published.Resources.ContainsKey("edge"))
        {
            Assert.Contains(external, binding => binding.StartsWith("edge.", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Manifest_ContainsEveryTopologyResource()
    {
        string[] expected =
        [
            "postgres-1", "postgres-2", "postgres-3", "pgbouncer",
            "redis-1", "redis-2", "sentinel-1", "sentinel-2", "sentinel-3",
            "luckygas-write", "luckygas-read", "luckygas-migrations", "luckygas-admin", "luckygas-redis",
            "db-migrations", "api", "web", "backup-worker",
        ];

        foreach (var name in expected)
        {
            Assert.True(published.Resources.ContainsKey(name), $"The manifest has no resource {name}.");
        }
    }

    [Fact]
    public void Manifest_LeavesOutRunOnlyResources()
    {
        string[] runOnly = ["s3", "postgres", "redis", "api-1", "api-2", "web-1", "web-2", "postgres-1-repmgrd"];

        foreach (var name in runOnly)
        {
            Assert.False(published.Resources.ContainsKey(name), $"The run-only resource {name} is in the manifest.");
        }
    }

    [Fact]
    public void Api_ReferencesDatabasesAndRedis()
    {
        var environment = EnvironmentOf("api");

        Assert.Equal("{luckygas-write.connectionString}", environment["ConnectionStrings__luckygas-write"]);
        Assert.Equal("{luckygas-read.connectionString}", environment["ConnectionStrings__luckygas-read"]);
        Assert.Equal("{luckygas-redis.connectionString}", environment["ConnectionStrings__luckygas-redis"]);
        Assert.Equal("{token-signing-key.value}", environment["Auth__SigningKey"]);
    }

    [Fact]
    public void WriteConnection_GoesThroughPgBouncer()
    {
        var write = ConnectionStringOf("luckygas-write");

        Assert.Contains("{pgbouncer.bindings.tcp.host}", write, StringComparison.Ordinal);
        Assert.DoesNotContain("{postgres-", write, StringComparison.Ordinal);
        Assert.Contains("Password={db-password.value}", write, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadConnection_ListsEveryNode()
    {
        var read = ConnectionStringOf("luckygas-read");

        foreach (var node in new[] { "postgres-1", "postgres-2", "postgres-3" })
        {
            Assert.Contains($"{{{node}.bindings.tcp.host}}", read, StringComparison.Ordinal);
        }

        Assert.Contains("Target Session Attributes=prefer-standby", read, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisConnection_GoesThroughSentinels()
    {
        var redis = ConnectionStringOf("luckygas-redis");

        foreach (var sentinel in new[] { "sentinel-1", "sentinel-2", "sentinel-3" })
        {
            Assert.Contains($"{{{sentinel}.bindings.tcp.host}}", redis, StringComparison.Ordinal);
        }

        Assert.Contains("serviceName=luckygas", redis, StringComparison.Ordinal);
        Assert.DoesNotContain("{redis-1.", redis, StringComparison.Ordinal);
        Assert.DoesNotContain("{redis-2.", redis, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupWorker_ReferencesDatabaseS3AndWebhook()
    {
        var environment = EnvironmentOf("backup-worker");

        Assert.Equal("{luckygas-read.connectionString}", environment["ConnectionStrings__luckygas-read"]);
        Assert.Equal("{s3-bucket.value}", environment["S3__BucketName"]);
        Assert.Equal("{s3-region.value}", environment["S3__Region"]);
        Assert.Equal("{s3-service-url.value}", environment["S3__ServiceUrl"]);
        Assert.Equal("{s3-access-key-id.value}", environment["S3__AccessKeyId"]);
        Assert.Equal("{s3-secret-access-key.value}", environment["S3__SecretAccessKey"]);
        Assert.Equal("{slack-webhook-url.value}", environment["Notifications__SlackWebhookUrl"]);
    }

    [Fact]
    public void Web_ReferencesApi()
    {
        var environment = EnvironmentOf("web");

        Assert.Equal("{api.bindings.http.url}", environment["services__api__http__0"]);
        Assert.Equal("{luckygas-write.connectionString}", environment["ConnectionStrings__luckygas-write"]);
    }

    [Fact]
    public void Migrator_ConnectsToPrimaryDirectly()
    {
        var environment = EnvironmentOf("db-migrations");
        var migrations = ConnectionStringOf("luckygas-migrations");

        Assert.Equal("{luckygas-migrations.connectionString}", environment["ConnectionStrings__luckygas-migrations"]);
        Assert.Equal("{luckygas-admin.connectionString}", environment["ConnectionStrings__luckygas-admin"]);
        Assert.Contains("Target Session Attributes=primary", migrations, StringComparison.Ordinal);
        Assert.DoesNotContain("{pgbouncer.", migrations, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildPaths_AreRelativeAndExist()
    {
        foreach (var (name, resource) in published.Resources)
        {
            var paths = new[] { resource!["path"], resource["build"]?["context"], resource["build"]?["dockerfile"] }
                .Select(node => node?.GetValue<string>())
                .OfType<string>();
            foreach (var path in paths)
            {
                Assert.False(Path.IsPathRooted(path), $"{name} names the absolute path {path}.");
                var full = Path.Combine(AppHostPublisher.RepositoryRoot, path);
                Assert.True(File.Exists(full) || Directory.Exists(full), $"{name} names {path}, which does not exist.");
            }
        }
    }

    private Dictionary<string, string> EnvironmentOf(string resource)
    {
        return published.Resources[resource]!["env"]!.AsObject()
            .ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>());
    }

    private string ConnectionStringOf(string resource) =>
        published.Resources[resource]!["connectionString"]!.GetValue<string>();

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}
