using System.Text.Json.Nodes;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// The manifest as the AppHost publishes it now, once per test class, with the run-mode secret
/// values of a fresh <see cref="PlatformSecrets"/> supplied, so tests can check that no supplied
/// value reaches the manifest.
/// </summary>
public class PublishedManifest : IAsyncLifetime
{
    /// <summary>AppHost arguments beyond the secret values, such as a publish-mode switch.</summary>
    protected virtual IEnumerable<string> Arguments => [];

    /// <summary>The secret values supplied while publishing.</summary>
    public PlatformSecrets Secrets { get; } = new();

    /// <summary>The published text.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The published resources by name.</summary>
    public JsonObject Resources { get; private set; } = [];

    /// <summary>Returns the names of the resources of a manifest type, such as <c>parameter.v0</c>.</summary>
    public IReadOnlyList<string> NamesOfType(string type) =>
        Resources.Where(pair => TypeOf(pair.Value) == type).Select(pair => pair.Key).ToList();

    /// <summary>Returns a resource's <c>type</c>.</summary>
    public static string TypeOf(JsonNode? resource) => resource?["type"]?.GetValue<string>() ?? "";

    public async Task InitializeAsync()
    {
        Text = await AppHostPublisher.PublishAsync([.. Secrets.ToArguments(), .. Arguments], TestContext.Token(AppHostPublisher.Timeout));
        Resources = JsonNode.Parse(Text)!["resources"]!.AsObject();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The manifest published for managed PostgreSQL and Redis services.</summary>
public sealed class PublishedManagedManifest : PublishedManifest
{
    protected override IEnumerable<string> Arguments => ["--LuckyGas:ManagedDataServices=true"];
}
