using LuckyGas.Api.Features.Auth;

namespace LuckyGas.Api.Features.Backups;

/// <summary>
/// The <c>/api/v1/admin/backups</c> endpoints, for administrators. They forward to the backup
/// worker through service discovery (<c>http://backup-worker</c>) with the caller's bearer token,
/// which the worker checks again.
/// </summary>
public static partial class BackupEndpoints
{
    /// <summary>The name of the HTTP client that reaches the worker.</summary>
    public const string HttpClientName = "backup-worker";

    /// <summary>Registers the HTTP client of the worker, which carries the standard resilience pipeline.</summary>
    public static WebApplicationBuilder AddBackupForwarding(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(HttpClientName, client => client.BaseAddress = new Uri("http://backup-worker"));
        return builder;
    }

    /// <summary>
    /// Maps <c>POST /api/v1/admin/backups</c> (start a backup), <c>POST /api/v1/admin/backups/verify-latest</c>
    /// and <c>GET /api/v1/admin/backups/runs/{id}</c>. The POSTs answer 202 with the run; poll the run
    /// until its status is Succeeded or Failed.
    /// </summary>
    public static IEndpointRouteBuilder MapBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/backups")
            .RequireAuthorization(Policies.Admin)
            .WithTags("Admin");
        group.MapPost("/", (HttpContext context, IHttpClientFactory clients, ILoggerFactory loggers) =>
                ForwardAsync(context, clients, loggers, HttpMethod.Post, "/backups"))
            .WithName("StartBackup")
            .WithSummary("Start a backup: dump, encrypt, upload to S3 and verify a restore. Returns 202 with the run.");
        group.MapPost("/verify-latest", (HttpContext context, IHttpClientFactory clients, ILoggerFactory loggers) =>
                ForwardAsync(context, clients, loggers, HttpMethod.Post, "/backups/verify-latest"))
            .WithName("VerifyLatestBackup")
            .WithSummary("Restore the newest backup on the verification server and compare row counts. Returns 202 with the run.");
        group.MapGet("/runs/{id}", (string id, HttpContext context, IHttpClientFactory clients, ILoggerFactory loggers) =>
                ForwardAsync(context, clients, loggers, HttpMethod.Get, $"/backups/runs/{Uri.EscapeDataString(id)}"))
            .WithName("GetBackupRun")
            .WithSummary("Return a backup or verification run: its status, backup name, size, failed step and error.");
        return app;
    }

    private static async Task<IResult> ForwardAsync(
        HttpContext context, IHttpClientFactory clients, ILoggerFactory loggers, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, context.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            return Results.Content(body, contentType, statusCode: (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException
            or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            LogWorkerUnreachable(loggers.CreateLogger(typeof(BackupEndpoints)), exception, path);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The backup worker is unreachable.",
                detail: $"The request to the backup worker failed: {exception.Message}. Check that backup-worker runs.");
        }
    }

    [LoggerMessage(EventId = 5040, EventName = "BackupWorkerUnreachable", Level = LogLevel.Warning,
        Message = "Forwarding {Path} to the backup worker failed")]
    private static partial void LogWorkerUnreachable(ILogger logger, Exception exception, string path);
}
