using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>The request bodies that docs/api.md shows are accepted by the API as written.</summary>
[Collection(SharedPlatform.Name)]
public sealed partial class ApiDocsExampleTests(PlatformFixture fixture)
{
    [Fact]
    public async Task RequestBodies_CustomerThenOrder_AreAccepted()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var examples = JsonBlocks();
        Assert.Equal(2, examples.Count);
        using var api = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var customer = await PostAsync(api, "/api/v1/customers", examples[0], cancellationToken);
        Assert.True(customer.StatusCode == HttpStatusCode.Created, await customer.Content.ReadAsStringAsync(cancellationToken));
        using var created = JsonDocument.Parse(await customer.Content.ReadAsStringAsync(cancellationToken));

        // The order example names a customer id and a fixed day, so the test gives it the new
        // customer and tomorrow's morning in Taipei.
        var order = JsonNode.Parse(examples[1])!.AsObject();
        order["customerId"] = created.RootElement.GetProperty("id").GetInt64();
        var tomorrow = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(1);
        order["windowStart"] = new DateTimeOffset(tomorrow.AddHours(9), TimeSpan.FromHours(8));
        order["windowEnd"] = new DateTimeOffset(tomorrow.AddHours(12), TimeSpan.FromHours(8));
        using var placed = await PostAsync(api, "/api/v1/orders", order.ToJsonString(), cancellationToken);
        Assert.True(placed.StatusCode == HttpStatusCode.Created, await placed.Content.ReadAsStringAsync(cancellationToken));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, string path, string json, CancellationToken cancellationToken) =>
        api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Returns the JSON code blocks of the "Request bodies" section of docs/api.md.</summary>
    private static List<string> JsonBlocks()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "api.md"));
        var start = text.IndexOf("## Request bodies", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/api.md has no 'Request bodies' section.");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = text[start..(end < 0 ? text.Length : end)];
        return [.. JsonBlock().Matches(section).Select(match => match.Groups["json"].Value)];
    }

    [GeneratedRegex(@"```json\n(?<json>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
