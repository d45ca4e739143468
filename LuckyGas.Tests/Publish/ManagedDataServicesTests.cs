namespace LuckyGas.Tests.Publish;

/// <summary>
/// Publishing with <c>--LuckyGas:ManagedDataServices=true</c>: the connection strings become
/// parameters and no database or cache container is deployed.
/// </summary>
public sealed class ManagedDataServicesTests(PublishedManagedManifest published) : IClassFixture<PublishedManagedManifest>
{
    private static readonly string[] s_connectionStrings = ["luckygas-write", "luckygas-read", "luckygas-migrations", "luckygas-admin", "luckygas-redis"];

    [Fact]
    public void Manifest_ValidatesAgainstSchema()
    {
        var result = ManifestTests.Schema.Value.Evaluate(System.Text.Json.JsonDocument.Parse(published.Text).RootElement);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void ConnectionStrings_AreSecretParameters()
    {
        foreach (var name in s_connectionStrings)
        {
            var resource = published.Resources[name];
            Assert.Equal("parameter.v0", PublishedManifest.TypeOf(resource));
            Assert.Equal($"{{{name}.value}}", resource!["connectionString"]!.GetValue<string>());
            Assert.True(resource["inputs"]!["value"]!["secret"]!.GetValue<bool>(), $"{name} is not secret.");
        }
    }

    [Fact]
    public void DataServers_AndTheirPasswords_AreLeftOut()
    {
        string[] leftOut =
        [
            "postgres-1", "postgres-2", "postgres-3", "pgbouncer", "redis-1", "redis-2",
            "sentinel-1", "sentinel-2", "sentinel-3",
            "postgres-password", "replication-password", "db-password", "redis-password",
        ];

        foreach (var name in leftOut)
        {
            Assert.False(published.Resources.ContainsKey(name), $"{name} is in the manifest.");
        }

        Assert.DoesNotContain(published.Resources, pair => PublishedManifest.TypeOf(pair.Value).StartsWith("container", StringComparison.Ordinal));
    }

    [Fact]
    public void Applications_KeepTheirReferences()
    {
        var api = published.Resources["api"]!["env"]!;

        Assert.Equal("{luckygas-write.connectionString}", api["ConnectionStrings__luckygas-write"]!.GetValue<string>());
        Assert.Equal("{luckygas-read.connectionString}", api["ConnectionStrings__luckygas-read"]!.GetValue<string>());
        Assert.Equal("{luckygas-redis.connectionString}", api["ConnectionStrings__luckygas-redis"]!.GetValue<string>());
    }
}
