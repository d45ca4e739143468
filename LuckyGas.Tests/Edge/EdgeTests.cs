using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LuckyGas.AppHost.Edge;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Edge;

/// <summary>The edge on the shared platform: TLS, routing, headers, compression and limits.</summary>
[Collection(SharedPlatform.Name)]
public sealed class EdgeTests(PlatformFixture fixture)
{
    private const string Hsts = "max-age=31536000; includeSubDomains";

    private PlatformInstance Platform => fixture.Platform;

    [Fact]
    public async Task RenderedConfiguration_PassesNginxTest()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        var configFile = Path.Combine(Platform.StateDirectory, EdgeExtensions.ResourceName, "nginx.conf");
        var (command, arguments) = EdgeCommand.Test(configFile, EdgeAccount.Detect());

        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);

        Assert.True(process.ExitCode == 0, $"nginx -t failed with exit code {process.ExitCode}:\n{errors}");
        Assert.Contains("test is successful", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_TrustingOnlyLocalCa_ReachesBothApplications()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        using var probe = await client.GetAsync(EdgeExtensions.HealthPath, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);

        // Unauthenticated, so the API itself returns 401.
        using var api = await client.GetAsync("/api/v1/auth/me", cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Matches("^api-[12]$", EdgeClients.SingleHeader(api, "X-Served-By"));

        using var web = await client.GetAsync("/", cancellationToken);
        Assert.Matches("^web-[12]$", EdgeClients.SingleHeader(web, "X-Served-By"));
    }

    [Fact]
    public async Task Http_RedirectsToHttps_ExceptProbePath()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform, Platform.HttpAddress());

        using var redirected = await client.GetAsync("/api/v1/customers?page=2", cancellationToken);
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirected.StatusCode);
        Assert.Equal(new Uri(Platform.HttpsAddress(), "/api/v1/customers?page=2"), redirected.Headers.Location);
        Assert.False(redirected.Headers.Contains("X-Served-By"), "The redirect must come from the edge itself.");

        using var probe = await client.GetAsync(EdgeExtensions.HealthPath, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task WebRedirect_KeepsEdgeAddressAndPort()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        // Signed out, so the web application sends the browser to its sign-in page.
        using var response = await client.GetAsync("/orders", cancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(Platform.HttpsAddress(), location);
        Assert.Equal(Platform.HttpsAddress().GetLeftPart(UriPartial.Authority), target.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith("/signin", target.AbsolutePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/metrics")]
    public async Task Responses_CarryHstsExactlyOnce(string path)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.Equal(Hsts, EdgeClients.SingleHeader(response, "Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/api/v1/no-such-route")]
    public async Task ApplicationSecurityHeaders_PassThroughOnce(string path)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.NotEmpty(EdgeClients.SingleHeader(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", EdgeClients.SingleHeader(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", EdgeClients.SingleHeader(response, "X-Frame-Options"));
        Assert.NotEmpty(EdgeClients.SingleHeader(response, "Referrer-Policy"));
        Assert.NotEmpty(EdgeClients.SingleHeader(response, "Permissions-Policy"));
        Assert.NotEmpty(EdgeClients.SingleHeader(response, "Cross-Origin-Opener-Policy"));
        // The applications send no Server header; nginx sends its name without a version
        // (server_tokens off), since only a third-party module could remove it.
        Assert.Equal("nginx", EdgeClients.SingleHeader(response, "Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"), "A response named its framework in X-Powered-By.");
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/api/v1/health/comprehensive")]
    public async Task InternalEndpoints_AreNotExposed(string path)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        using var response = await client.GetAsync(path, cancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Served-By"), $"{path} must be answered by the edge, not an instance.");
    }

    [Fact]
    public async Task Gzip_PublicJsonCompressed_AuthenticatedListNot()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(60));
        using var client = EdgeClients.Create(Platform);
        var token = await EdgeClients.SignInAsync(client, Platform, cancellationToken);

        // Public: the OpenAPI document, well above gzip_min_length.
        using var document = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        document.Headers.AcceptEncoding.ParseAdd("gzip");
        using var publicResponse = await client.SendAsync(document, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, publicResponse.StatusCode);
        Assert.Equal("gzip", Assert.Single(publicResponse.Content.Headers.ContentEncoding));
        await using (var unzipped = new GZipStream(await publicResponse.Content.ReadAsStreamAsync(cancellationToken), CompressionMode.Decompress))
        {
            using var json = await JsonDocument.ParseAsync(unzipped, cancellationToken: cancellationToken);
            Assert.True(json.RootElement.TryGetProperty("paths", out _), "The decompressed body is not the OpenAPI document.");
        }

        // Authenticated: a full page of customers, which must stay uncompressed (BREACH).
        using var list = EdgeClients.Authorized(HttpMethod.Get, "/api/v1/customers?pageSize=100", token);
        list.Headers.AcceptEncoding.ParseAdd("gzip");
        using var privateResponse = await client.SendAsync(list, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, privateResponse.StatusCode);
        Assert.Empty(privateResponse.Content.Headers.ContentEncoding);
        var body = await privateResponse.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.True(body.Length > 1024, $"The list is only {body.Length} bytes, below gzip_min_length, so it proves nothing.");
        using var items = JsonDocument.Parse(body);
        Assert.True(items.RootElement.GetProperty("items").GetArrayLength() > 0);
    }

    [Fact]
    public async Task AuthenticatedApiResponse_IsNotStorable()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);
        var token = await EdgeClients.SignInAsync(client, Platform, cancellationToken);

        using var request = EdgeClients.Authorized(HttpMethod.Get, "/api/v1/customers?pageSize=5", token);
        using var response = await client.SendAsync(request, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cacheControl = response.Headers.CacheControl;
        Assert.NotNull(cacheControl);
        Assert.True(cacheControl.NoStore, $"Cache-Control is '{cacheControl}'.");
        Assert.False(cacheControl.Public, $"Cache-Control is '{cacheControl}'.");
        Assert.Null(cacheControl.MaxAge);
        Assert.Null(cacheControl.SharedMaxAge);
        Assert.Null(response.Content.Headers.Expires);
    }

    [Fact]
    public async Task WebRequests_WithAffinityCookie_StayOnOneInstance()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(60));
        using var client = EdgeClients.Create(Platform);

        // Without the cookie, clients spread over both instances: 24 all on one has odds 2^-23.
        var firstInstances = new HashSet<string>();
        string? cookie = null;
        string? cookieInstance = null;
        for (var attempt = 0; attempt < 24; attempt++)
        {
            using var first = await client.GetAsync("/", cancellationToken);
            var instance = EdgeClients.SingleHeader(first, "X-Served-By");
            firstInstances.Add(instance);
            var setCookie = AffinityCookie(first);
            Assert.NotNull(setCookie);
            Assert.Contains("Secure", setCookie, StringComparison.Ordinal);
            Assert.Contains("HttpOnly", setCookie, StringComparison.Ordinal);
            cookie ??= setCookie.Split(';')[0];
            cookieInstance ??= instance;
        }

        Assert.Equal(["web-1", "web-2"], firstInstances.Order());

        for (var request = 0; request < 10; request++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/");
            message.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(message, cancellationToken);
            Assert.Equal(cookieInstance, EdgeClients.SingleHeader(response, "X-Served-By"));
            Assert.Null(AffinityCookie(response));
        }
    }

    [Fact]
    public async Task WebSocket_ToBlazorCircuit_Upgrades()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = EdgeClients.Create(Platform);

        using var negotiate = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        var cookie = AffinityCookie(negotiate)?.Split(';')[0];
        Assert.NotNull(cookie);
        using var negotiation = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync(cancellationToken));
        var connectionToken = negotiation.RootElement.GetProperty("connectionToken").GetString();

        // The affinity cookie from the negotiation sends the upgrade to the same instance.
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cookie", cookie);
        using var handler = new SocketsHttpHandler { SslOptions = EdgeClients.TrustOnlyLocalAuthority(Platform) };
        using var invoker = new HttpMessageInvoker(handler);
        var address = new UriBuilder(Platform.HttpsAddress()) { Scheme = "wss", Path = "/_blazor", Query = $"id={connectionToken}" };
        await socket.ConnectAsync(address.Uri, invoker, cancellationToken);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
    }

    [Fact]
    public async Task ApiRateLimit_Exceeded_Returns429ProblemDetails()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(60));
        using var client = EdgeClients.Create(Platform);
        const int requests = 4 * (EdgeTestSettings.ApiRequestsPerSecond + EdgeTestSettings.ApiBurst);

        var responses = await Task.WhenAll(Enumerable.Range(0, requests)
            .Select(_ => client.GetAsync("/api/v1/auth/me", cancellationToken)));
        try
        {
            var rejected = responses.Where(response => response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(rejected);
            Assert.Contains(responses, response => response.StatusCode == HttpStatusCode.Unauthorized);

            var sample = rejected[0];
            Assert.Equal("application/problem+json", sample.Content.Headers.ContentType?.MediaType);
            Assert.Equal("1", EdgeClients.SingleHeader(sample, "Retry-After"));
            Assert.Equal(Hsts, EdgeClients.SingleHeader(sample, "Strict-Transport-Security"));
            using var problem = JsonDocument.Parse(await sample.Content.ReadAsStringAsync(cancellationToken));
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Too Many Requests", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("per second", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }

            // Let the zone drain, so the next test through the edge starts below the limit.
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
    }

    /// <summary>Returns the edge's affinity cookie from the response's Set-Cookie headers, if any.</summary>
    private static string? AffinityCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.SingleOrDefault(value => value.StartsWith("luckygas_edge=", StringComparison.Ordinal))
            : null;

    [Fact]
    public void CertificateExpiry_IsWrittenForNodeExporter()
    {
        var path = Path.Combine(Platform.StateDirectory, "node-exporter", EdgeCertificateMetric.FileName);
        var line = Assert.Single(File.ReadAllLines(path), text => text.StartsWith(EdgeCertificateMetric.Name + " ", StringComparison.Ordinal));
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));

        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddDays(300), DateTimeOffset.UtcNow.AddDays(398));
    }
}
