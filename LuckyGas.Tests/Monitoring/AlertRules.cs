using System.Text.RegularExpressions;

namespace LuckyGas.Tests.Monitoring;

/// <summary>One alert of <c>alert-rules.yml</c>.</summary>
public sealed record AlertRule(string Name, string Expression, string Severity, string Summary, string Runbook);

/// <summary>
/// Reads <c>alert-rules.yml</c> line by line: the file keeps one key per line, with multi-line
/// expressions as indented blocks, so no YAML library is needed.
/// </summary>
public static partial class AlertRules
{
    // PromQL words that look like metric names in an expression.
    private static readonly HashSet<string> s_promqlWords = new(StringComparer.Ordinal)
    {
        "sum", "min", "max", "avg", "count", "rate", "increase", "changes", "absent", "time", "histogram_quantile",
        "and", "or", "unless", "by", "without", "on", "ignoring", "bool", "offset", "le",
    };

    /// <summary>Loads every alert.</summary>
    public static IReadOnlyList<AlertRule> Load()
    {
        var lines = File.ReadAllLines(Path.Combine(Promtool.MonitoringDirectory, "alert-rules.yml"));
        var rules = new List<AlertRule>();
        for (var index = 0; index < lines.Length; index++)
        {
            var match = Key().Match(lines[index]);
            if (!match.Success || match.Groups["key"].Value != "alert")
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var next = index + 1; next < lines.Length; next++)
            {
                var field = Key().Match(lines[next]);
                if (field.Success && field.Groups["key"].Value == "alert")
                {
                    break;
                }

                if (!field.Success)
                {
                    continue;
                }

                var value = field.Groups["value"].Value.Trim();
                if (value == "|")
                {
                    // A block: the following lines indented deeper than the key.
                    var block = new List<string>();
                    while (next + 1 < lines.Length && lines[next + 1].Length - lines[next + 1].TrimStart().Length > field.Groups["indent"].Length + 1)
                    {
                        block.Add(lines[++next].Trim());
                    }

                    value = string.Join(' ', block);
                }

                fields.TryAdd(field.Groups["key"].Value, value.Trim('"'));
            }

            rules.Add(new AlertRule(match.Groups["value"].Value.Trim(), fields.GetValueOrDefault("expr", ""),
                fields.GetValueOrDefault("severity", ""), fields.GetValueOrDefault("summary", ""),
                fields.GetValueOrDefault("runbook", "")));
        }

        return rules;
    }

    /// <summary>Returns the metric names that <paramref name="expression"/> selects.</summary>
    public static IReadOnlySet<string> SelectedMetrics(string expression)
    {
        // Label matchers, grouping clauses, ranges, strings and numbers hold no metric names.
        var stripped = LabelMatchers().Replace(expression, " ");
        stripped = Grouping().Replace(stripped, " ");
        stripped = Range().Replace(stripped, " ");
        return Identifier().Matches(stripped)
            .Select(match => match.Value)
            .Where(name => !s_promqlWords.Contains(name))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^(?<indent>\s*)-?\s*(?<key>[a-z_]+):(?<value>.*)$")]
    private static partial Regex Key();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
