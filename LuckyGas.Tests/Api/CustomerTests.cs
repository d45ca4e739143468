using System.Net;
using Aspire.Hosting.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class CustomerTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Create_ValidCustomer_IsReadBackNormalized()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var writer = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        using var reader = await ApiClients.AdminAsync(fixture.Platform, "api-2", cancellationToken);

        using var created = await writer.PostAsJsonAsync("/api/v1/customers", ApiClients.ValidCustomer(), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = Assert.Single(created.Headers.GetValues("X-Consistency-Token"));

        using var request = new HttpRequestMessage(HttpMethod.Get, created.Headers.Location);
        request.Headers.Add("X-Consistency-Token", token);
        using var read = await reader.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("api-2", Assert.Single(read.Headers.GetValues("X-Served-By")));

        var customer = await read.Content.ReadFromJsonAsync<Dictionary<string, object>>(ApiClients.Json, cancellationToken);
        Assert.NotNull(customer);
        Assert.Equal("臺北市", customer["city"].ToString());
        Assert.Equal("02-2345-6789", customer["phone"].ToString());
    }

    [Theory]
    [InlineData("phone", "12345")]
    [InlineData("district", "不存在區")]
    [InlineData("city", "Gotham")]
    [InlineData("street", "")]
    [InlineData("name", "")]
    public async Task Create_InvalidField_Returns400NamingField(string field, string value)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var body = ApiClients.ValidCustomer();
        body[field] = value;

        using var response = await client.PostAsJsonAsync("/api/v1/customers", body, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ApiClients.ReadProblemAsync(response, cancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _),
            $"The problem should name '{field}': {problem}");
    }

    [Fact]
    public async Task Create_HugeSizeList_ReturnsOneShortMessage()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var body = ApiClients.ValidCustomer();
        body["cylinderSizes"] = Enumerable.Range(1, 20_000).ToArray();

        using var response = await client.PostAsJsonAsync("/api/v1/customers", body, cancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(text.Length < 2_000, $"The 400 body is {text.Length} characters long.");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.Single(errors.GetProperty("cylinderSizes").EnumerateArray());
    }

    [Fact]
    public async Task Search_LongerThanAnyName_Returns400()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync($"/api/v1/customers?search={new string('a', 101)}", cancellationToken);

        await ApiClients.AssertInvalidFieldAsync(response, "search", cancellationToken);
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);

        using var response = await client.GetAsync("/api/v1/customers/987654321", cancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ApiClients.ReadProblemAsync(response, cancellationToken);
    }

    [Fact]
    public async Task Search_ByDistrict_ReturnsOnlyThatDistrict()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = await ApiClients.AdminAsync(fixture.Platform, "api-1", cancellationToken);
        var body = ApiClients.ValidCustomer();
        body["city"] = "高雄市";
        body["district"] = "苓雅區";
        body["phone"] = "07-123-4567";
        using var created = await client.PostAsJsonAsync("/api/v1/customers", body, cancellationToken);
        created.EnsureSuccessStatusCode();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/customers?city=高雄市&district=苓雅區&pageSize=100");
        request.Headers.Add("X-Consistency-Token", created.Headers.GetValues("X-Consistency-Token").Single());
        using var response = await client.SendAsync(request, cancellationToken);
        var page = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ApiClients.Json, cancellationToken);

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.Equal("苓雅區", item.GetProperty("district").GetString()));
    }

    [Fact]
    public async Task Create_WithoutToken_Returns401()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");

        using var response = await client.PostAsJsonAsync("/api/v1/customers", ApiClients.ValidCustomer(), cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
