using System.Text.RegularExpressions;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// docs/deployment.md describes exactly what the manifest contains, so the operator's tables
/// cannot drift from the AppHost.
/// </summary>
public sealed partial class DeploymentDocsTests(PublishedManifest published) : IClassFixture<PublishedManifest>
{
    [Fact]
    public void ParameterTable_NamesExactlyManifestParameters()
    {
        var documented = TableNames("## Parameters");
        var parameters = published.NamesOfType("parameter.v0").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(parameters, documented);
    }

    [Fact]
    public void SizingTable_NamesEveryDeployedResource()
    {
        var documented = TableNames("## Replicas, CPU and memory");
        var deployed = published.Resources
            .Where(pair => PublishedManifest.TypeOf(pair.Value) is "container.v0" or "container.v1" or "dockerfile.v0"
                or "project.v0" or "project.v1")
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(deployed, documented);
    }

    // Returns the backquoted names in the first column of the table under a heading, sorted.
    private static List<string> TableNames(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(AppHostPublisher.RepositoryRoot, "docs", "deployment.md"));
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"docs/deployment.md has no heading '{heading}'.");

        return lines.Skip(start + 1)
            .TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal))
            .Select(line => FirstColumnName().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@"^\| `([a-z0-9-]+)` \|")]
    private static partial Regex FirstColumnName();
}
