using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Api;

/// <summary>HTTP clients of the API instances, signed in as the bootstrapped admin.</summary>
public static class ApiClients
{
    /// <summary>JSON options that match the API: camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Returns a client of <paramref name="instance"/> that sends the admin's bearer token.</summary>
    public static async Task<HttpClient> AdminAsync(PlatformInstance platform, string instance, CancellationToken cancellationToken)
    {
        var client = platform.App.CreateHttpClient(instance, "http");
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token",
            new { userName = "admin", password = platform.Secrets.AdminPassword }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var token = body.RootElement.GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Asserts that <paramref name="response"/> is a 400 validation problem whose <c>errors</c>
    /// name <paramref name="field"/>, and returns the <c>errors</c> object.
    /// </summary>
    public static async Task<JsonElement> AssertInvalidFieldAsync(
        HttpResponseMessage response, string field, CancellationToken cancellationToken)
    {
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadProblemAsync(response, cancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        return errors;
    }

    /// <summary>Creates a valid customer and returns its id.</summary>
    public static async Task<long> CreateCustomerAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/customers", ValidCustomer(), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>Returns a customer body that passes validation.</summary>
    public static Dictionary<string, object?> ValidCustomer() => new()
    {
        ["kind"] = "Restaurant",
        ["name"] = $"好味小吃 {Guid.NewGuid():N}"[..20],
        ["phone"] = "02-2345-6789",
        ["city"] = "台北市",
        ["district"] = "大安區",
        ["street"] = "復興南路一段 100 號",
        ["cylinderSizes"] = new[] { 20, 50 },
    };

    /// <summary>Reads the <c>errors</c> of a validation problem.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.Clone();
    }
}
