using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Security;

/// <summary>Body limits and traversal checks of the API, over raw connections so targets reach it unnormalized.</summary>
[Collection(SharedPlatform.Name)]
public sealed class RequestCheckTests(PlatformFixture fixture)
{
    private const long TenMegabytes = 10L * 1024 * 1024;

    private const long OneMebibyte = 1024 * 1024;

    [Fact]
    public async Task ChunkedBodyOverLimit_Returns413WithoutBuffering()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var platform = fixture.Platform;
        var port = platform.PortOf("api-1");
        var token = await SecurityClients.AdminTokenAsync(platform, cancellationToken);
        string[] headers = [$"Authorization: Bearer {token}", "Content-Type: application/json"];

        // One JSON string that never ends: the JSON reader must buffer a token whole, so only the
        // body limit stops it.
        const string prefix = "{\"name\":\"";

        // A first oversized request loads and compiles every code path involved, so that the
        // measured one shows only what the body itself costs.
        await SecurityClients.SendRawAsync(
            port, "POST /api/v1/customers HTTP/1.1", headers, cancellationToken, 2 * OneMebibyte, prefix);
        var before = SecurityClients.ResidentBytesOf("api-1", port);

        var response = await SecurityClients.SendRawAsync(
            port, "POST /api/v1/customers HTTP/1.1", headers, cancellationToken, TenMegabytes, prefix);
        var after = SecurityClients.ResidentBytesOf("api-1", port);

        Assert.Equal(413, response.Status);
        Assert.Contains("application/problem+json", response.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("1048576 bytes", response.Body, StringComparison.Ordinal);
        Assert.True(response.BytesSent < TenMegabytes,
            $"The server read all {response.BytesSent} bytes before answering instead of stopping at the limit.");
        Assert.True(after - before < 4 * OneMebibyte,
            $"The API's resident memory grew by {(after - before) / 1024} KiB while rejecting a 10 MB body.");
    }

    [Fact]
    public async Task DeclaredLengthOverLimit_Returns413()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var platform = fixture.Platform;
        var token = await SecurityClients.AdminTokenAsync(platform, cancellationToken);

        var response = await SecurityClients.SendRawAsync(platform.PortOf("api-2"), "POST /api/v1/auth/token HTTP/1.1",
            [$"Authorization: Bearer {token}", "Content-Type: application/json", "Content-Length: 20000"],
            cancellationToken);

        Assert.Equal(413, response.Status);
        Assert.Contains("16384 bytes", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/customers/../../../etc/passwd?probe={0}")]
    [InlineData("/api/v1/customers/%2e%2e/%2e%2e/etc/passwd?probe={0}")]
    [InlineData("/api/v1/customers/%2E%2e%2F%2E%2E%2Fetc%2Fpasswd?probe={0}")]
    [InlineData("/api/v1/customers/%252e%252e%252f%252e%252e%252fetc%252fpasswd?probe={0}")]
    [InlineData("/api/v1/customers/..%5c..%5cwindows%5cwin.ini?probe={0}")]
    [InlineData("/api/v1/customers/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd?probe={0}")]
    [InlineData("/api/v1/customers/%u002e%u002e/etc/passwd?probe={0}")]
    [InlineData("/api/v1/customers?search=..%2f..%2fetc%2fpasswd&probe={0}")]
    [InlineData("/api/v1/customers?search=%252e%252e%255c%252e%252e%255cboot.ini&probe={0}")]
    public async Task EncodedTraversal_Returns400AndIsAudited(string targetFormat)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var platform = fixture.Platform;
        var probe = Guid.NewGuid().ToString("N");
        var target = string.Format(System.Globalization.CultureInfo.InvariantCulture, targetFormat, probe);

        var response = await SecurityClients.SendRawAsync(platform.PortOf("api-1"), $"GET {target} HTTP/1.1", [], cancellationToken);

        Assert.Equal(400, response.Status);
        Assert.Contains("application/problem+json", response.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("traversal", response.Body, StringComparison.OrdinalIgnoreCase);

        var token = await SecurityClients.AdminTokenAsync(platform, cancellationToken);
        using var admin = platform.App.CreateHttpClient("api-2", "http");
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var audited = await admin.GetStringAsync("/api/v1/admin/audit?kind=request.traversal-rejected&limit=50", cancellationToken);
        using var entries = JsonDocument.Parse(audited);
        var entry = entries.RootElement.EnumerateArray()
            .FirstOrDefault(item => item.GetProperty("details").GetString()!.Contains(probe, StringComparison.Ordinal));
        Assert.True(entry.ValueKind == JsonValueKind.Object, $"No audit row names the target {target}.");
        Assert.Equal("127.0.0.1", entry.GetProperty("clientIp").GetString());
    }
}
