using System.Text.RegularExpressions;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// The containers render the same configuration templates as run mode: each Dockerfile copies
/// files that exist, and each start script sets every placeholder of the templates it renders.
/// </summary>
public sealed partial class ContainerTemplateTests
{
    public static TheoryData<string, string[], string> Components => new()
    {
        { "Postgres", ["postgresql.conf", "pg_hba.conf", "repmgr.conf"], "container-node.sh" },
        { "Redis", ["redis.conf", "sentinel.conf"], "container-start.sh" },
        { "PgBouncer", ["pgbouncer.ini"], "container-start.sh" },
    };

    private static string AppHostFolder => Path.Combine(AppHostPublisher.RepositoryRoot, "LuckyGas.AppHost");

    [Theory]
    [MemberData(nameof(Components))]
    public void StartScript_SetsEveryPlaceholder(string component, string[] templates, string script)
    {
        var scriptText = File.ReadAllText(Path.Combine(AppHostFolder, component, script));
        var set = ConfVariable().Matches(scriptText).Select(match => match.Groups[1].Value).ToHashSet();

        foreach (var template in templates)
        {
            var text = File.ReadAllText(Path.Combine(AppHostFolder, component, template));
            foreach (var name in Placeholder().Matches(text).Select(match => match.Groups[1].Value).Distinct())
            {
                Assert.True(set.Contains(name), $"{component}/{script} does not set CONF_{name} for {template}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Dockerfile_CopiesTemplatesAndScript(string component, string[] templates, string script)
    {
        var dockerfile = File.ReadAllLines(Path.Combine(AppHostFolder, component, "Dockerfile"));
        var sources = dockerfile
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        foreach (var source in sources)
        {
            Assert.True(File.Exists(Path.Combine(AppHostFolder, source)), $"{component}/Dockerfile copies {source}, which does not exist.");
        }

        foreach (var file in templates.Append(script))
        {
            Assert.Contains($"{component}/{file}", sources);
        }

        Assert.Contains("Hosting/render-template.sh", sources);
    }

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\bCONF_([a-z_]+)=")]
    private static partial Regex ConfVariable();
}
