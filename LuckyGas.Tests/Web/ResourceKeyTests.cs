using System.Xml.Linq;

namespace LuckyGas.Tests.Web;

public sealed class ResourceKeyTests
{
    private static readonly string s_resources = Path.Combine(AppContext.BaseDirectory, "WebResources");

    [Fact]
    public void EveryKey_ExistsInBothCultures()
    {
        var chinese = ReadKeys("SharedResource.zh-TW.resx");
        var english = ReadKeys("SharedResource.en.resx");

        Assert.NotEmpty(chinese);
        Assert.Empty(chinese.Keys.Except(english.Keys));
        Assert.Empty(english.Keys.Except(chinese.Keys));
    }

    [Fact]
    public void EveryValue_IsNotEmpty()
    {
        foreach (var file in new[] { "SharedResource.zh-TW.resx", "SharedResource.en.resx" })
        {
            var empty = ReadKeys(file).Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key);
            Assert.Empty(empty);
        }
    }

    [Fact]
    public void FormatPlaceholders_MatchAcrossCultures()
    {
        var chinese = ReadKeys("SharedResource.zh-TW.resx");
        var english = ReadKeys("SharedResource.en.resx");

        var mismatched = chinese.Keys
            .Where(key => Placeholders(chinese[key]) != Placeholders(english.GetValueOrDefault(key) ?? ""))
            .ToList();

        Assert.Empty(mismatched);
    }

    private static Dictionary<string, string> ReadKeys(string file) =>
        XDocument.Load(Path.Combine(s_resources, file)).Root!.Elements("data")
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string?)data.Element("value") ?? "", StringComparer.Ordinal);

    private static string Placeholders(string value) =>
        string.Join(",", System.Text.RegularExpressions.Regex.Matches(value, @"\{\d+\}").Select(match => match.Value).Order(StringComparer.Ordinal));
}
