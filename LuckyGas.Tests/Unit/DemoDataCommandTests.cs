using System.Net;
using System.Text;
using System.Text.Json;
using LuckyGas.AppHost.Applications;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuckyGas.Tests.Unit;

public sealed class DemoDataCommandTests
{
    private const string SummaryJson =
        """{"seed":7,"customers":300,"drivers":12,"orders":5785,"deliveries":5603,"ratings":3480,"elapsedMilliseconds":1406}""";

    [Fact]
    public async Task ResetThroughApi_BothSucceed_ReturnsCounts()
    {
        var handler = new StubHandler(
            Json(HttpStatusCode.OK, """{"accessToken":"token-1","tokenType":"Bearer"}"""),
            Json(HttpStatusCode.OK, SummaryJson));

        var result = await ResetAsync(handler);

        Assert.True(result.Success, result.Message);
        Assert.Contains("300 customers", result.Message, StringComparison.Ordinal);
        Assert.Contains("seed 7", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetThroughApi_BothSucceed_SendsBearerToken()
    {
        var handler = new StubHandler(
            Json(HttpStatusCode.OK, """{"accessToken":"token-1"}"""),
            Json(HttpStatusCode.OK, SummaryJson));

        await ResetAsync(handler);

        Assert.Equal(2, handler.Requests.Count);
        var (signIn, signInBody) = handler.Requests[0];
        Assert.Equal(HttpMethod.Post, signIn.Method);
        Assert.Equal("/api/v1/auth/token", signIn.RequestUri!.AbsolutePath);
        using var credentials = JsonDocument.Parse(signInBody!);
        Assert.Equal("admin", credentials.RootElement.GetProperty("userName").GetString());
        Assert.Equal("secret-password", credentials.RootElement.GetProperty("password").GetString());

        var (reset, _) = handler.Requests[1];
        Assert.Equal(HttpMethod.Post, reset.Method);
        Assert.Equal("/api/v1/admin/demo-data/reset", reset.RequestUri!.AbsolutePath);
        Assert.Equal("Bearer", reset.Headers.Authorization!.Scheme);
        Assert.Equal("token-1", reset.Headers.Authorization.Parameter);
    }

    [Fact]
    public async Task ResetThroughApi_SignInRejected_NamesStatus()
    {
        var handler = new StubHandler(Json(HttpStatusCode.Unauthorized,
            """{"title":"Sign-in failed.","status":401,"detail":"The user name or password is incorrect."}"""));

        var result = await ResetAsync(handler);

        Assert.False(result.Success);
        Assert.Contains("Signing in as admin", result.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", result.Message, StringComparison.Ordinal);
        Assert.Contains("The user name or password is incorrect.", result.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ResetThroughApi_ResetForbidden_NamesStatus()
    {
        var handler = new StubHandler(
            Json(HttpStatusCode.OK, """{"accessToken":"token-1"}"""),
            new HttpResponseMessage(HttpStatusCode.Forbidden));

        var result = await ResetAsync(handler);

        Assert.False(result.Success);
        Assert.Contains("demo data reset", result.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetThroughApi_TokenMissing_ReturnsFailure()
    {
        var handler = new StubHandler(Json(HttpStatusCode.OK, "{}"));

        var result = await ResetAsync(handler);

        Assert.False(result.Success);
        Assert.Contains("accessToken", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetThroughApi_ConnectionRefused_NamesResource()
    {
        var handler = new StubHandler(new HttpRequestException("Connection refused (localhost:5123)"));

        var result = await ResetAsync(handler);

        Assert.False(result.Success);
        Assert.Contains("Could not reach api-1", result.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", result.Message, StringComparison.Ordinal);
    }

    private static async Task<Aspire.Hosting.ApplicationModel.ExecuteCommandResult> ResetAsync(StubHandler handler)
    {
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://localhost:5123") };
        return await DemoDataCommand.ResetThroughApiAsync(
            client, "secret-password", "api-1", NullLogger.Instance, TestContext.Token(TimeSpan.FromSeconds(10)));
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Returns the given responses in order, or throws the given exception, and records each request.</summary>
    private sealed class StubHandler : HttpMessageHandler
    {
        private readonly Queue<HttpResponseMessage> _responses;
        private readonly Exception? _exception;

        public StubHandler(params HttpResponseMessage[] responses)
        {
            _responses = new Queue<HttpResponseMessage>(responses);
        }

        public StubHandler(Exception exception)
        {
            _responses = new Queue<HttpResponseMessage>();
            _exception = exception;
        }

        public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request, body));
            if (_exception is not null)
            {
                throw _exception;
            }

            return _responses.Dequeue();
        }
    }
}
