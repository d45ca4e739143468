using System.Net;
using System.Text;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>
/// Request JSON and query values are read strictly, and each failure gets a 400 problem that names
/// the field and what it expects, without .NET type names.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class StrictInputTests(PlatformFixture fixture)
{
    private const string OrderLines = "\"lines\":[{\"sizeKg\":20,\"quantity\":1}]";

    [Theory]
    [InlineData("/api/v1/api-keys/",
        "{\"name\":\"typo\",\"tier\":\"Basic\",\"scopes\":[\"read\"],\"expires\":\"2027-01-01T00:00:00Z\"}", "expires")]
    [InlineData("/api/v1/drivers", "{\"name\":\"王小明\",\"phone\":\"0912-345-678\",\"activ\":false}", "activ")]
    [InlineData("/api/v1/orders", "{\"customerId\":1,\"lines\":[{\"sizeKg\":20,\"qty\":1}]}", "lines[0].qty")]
    public async Task Post_UnknownMember_Returns400NamingIt(string path, string body, string field)
    {
        var problem = await PostExpecting400Async(path, body);

        var message = FieldError(problem, field);
        Assert.Contains("not a member", message);
    }

    [Fact]
    public async Task Post_DuplicateMember_Returns400NamingIt()
    {
        var problem = await PostExpecting400Async("/api/v1/customers", "{\"kind\":\"Household\",\"kind\":\"Factory\"}");

        var message = FieldError(problem, "kind");
        Assert.Contains("more than once", message);
    }

    [Fact]
    public async Task Post_UnknownEnumName_ListsAllowedNames()
    {
        var problem = await PostExpecting400Async("/api/v1/customers", "{\"kind\":\"Spaceship\"}");

        var message = FieldError(problem, "kind");
        Assert.Contains("Household", message);
        Assert.DoesNotContain("LuckyGas", problem.ToString());
    }

    [Fact]
    public async Task Post_WrongTypeInList_NamesIndexedField()
    {
        var problem = await PostExpecting400Async(
            "/api/v1/orders", "{\"customerId\":1,\"lines\":[{\"sizeKg\":\"big\",\"quantity\":1}]}");

        var message = FieldError(problem, "lines[0].sizeKg");
        Assert.Contains("whole number", message);
        Assert.DoesNotContain("LuckyGas", problem.ToString());
    }

    [Theory]
    [InlineData("/api/v1/orders", "{\"customerId\":\"1\"," + OrderLines + "}", "customerId")]
    [InlineData("/api/v1/orders", "{\"customerId\":1,\"lines\":[{\"sizeKg\":20,\"quantity\":\"1\"}]}", "lines[0].quantity")]
    [InlineData("/api/v1/deliveries/1/rating", "{\"rating\":\"5\"}", "rating")]
    public async Task Post_NumberAsString_Returns400NamingField(string path, string body, string field)
    {
        var problem = await PostExpecting400Async(path, body);

        var message = FieldError(problem, field);
        Assert.Contains("JSON number", message);
    }

    [Theory]
    [InlineData("windowStart", "2026-12-05T10:00:00")]
    [InlineData("windowStart", "2026-12-05")]
    [InlineData("windowEnd", "2026-12-05T12:00:00")]
    public async Task Post_TimeWithoutOffset_Returns400NamingField(string field, string value)
    {
        var times = field == "windowStart"
            ? $"\"windowStart\":\"{value}\",\"windowEnd\":\"2026-12-05T12:00:00+08:00\""
            : $"\"windowStart\":\"2026-12-05T10:00:00+08:00\",\"windowEnd\":\"{value}\"";

        var problem = await PostExpecting400Async("/api/v1/orders", "{\"customerId\":1," + OrderLines + "," + times + "}");

        var message = FieldError(problem, field);
        Assert.Contains("+08:00", message);
    }

    [Fact]
    public async Task Post_NullBody_Returns400WithDetail()
    {
        var problem = await PostExpecting400Async("/api/v1/customers", "null");

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("body", detail);
        Assert.DoesNotContain("Implicit", detail);
    }

    [Fact]
    public async Task Post_TextBody_Returns415WithDetail()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var content = new StringContent("{\"kind\":\"Household\"}", Encoding.UTF8, "text/plain");
        using var response = await client.PostAsync("/api/v1/customers", content, cancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/v1/orders?status=Bogus", "status")]
    [InlineData("/api/v1/orders?status=999", "status")]
    [InlineData("/api/v1/orders?status=1", "status")]
    [InlineData("/api/v1/deliveries?status=9", "status")]
    [InlineData("/api/v1/customers?kind=42", "kind")]
    public async Task Get_InvalidEnumQuery_Returns400ListingNames(string path, string field)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        var message = FieldError(problem, field);
        Assert.Contains("must be one of", message);
        Assert.DoesNotContain("Nullable", problem.ToString());
    }

    [Fact]
    public async Task Get_PageNotNumber_Returns400NamingPage()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync("/api/v1/orders?page=abc", cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        Assert.Contains("whole number", FieldError(problem, "page"));
    }

    private async Task<JsonElement> PostExpecting400Async(string path, string body)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await ApiClients.ReadProblemAsync(response, cancellationToken);
    }

    private static string FieldError(JsonElement problem, string field)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), $"The problem should list errors: {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"The problem should name '{field}': {problem}");
        return string.Join(" ", messages.EnumerateArray().Select(message => message.GetString()));
    }
}
