using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using LuckyGas.Web.Account;
using Microsoft.AspNetCore.Components.Authorization;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LuckyGas.Web.Api;

/// <summary>
/// Calls the API as the signed-in member of staff, with the bearer token kept in their sign-in
/// cookie. The HTTP client resolves <c>http://api</c> by service discovery and runs the standard
/// resilience pipeline (retries, timeouts, circuit breaker).
/// </summary>
public sealed partial class StaffApiClient(
    HttpClient http, AuthenticationStateProvider authentication, ILogger<StaffApiClient> logger)
{
    /// <summary>The API's base address, resolved by service discovery.</summary>
    public const string BaseAddress = "http://api";

    /// <summary>JSON options that match the API: camelCase names and enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Signs in with a user name and password; needs no signed-in user.</summary>
    public async Task<ApiResult<TokenDto>> CreateTokenAsync(
        string userName, string password, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = JsonContent.Create(new { userName, password }, options: Json),
        };
        return await SendAsync<TokenDto>(request, authenticate: false, cancellationToken);
    }

    /// <summary>Sends a GET and reads the JSON body.</summary>
    public async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync<T>(request, authenticate: true, cancellationToken);
    }

    /// <summary>Sends a POST with an optional JSON body and reads the JSON response.</summary>
    public async Task<ApiResult<T>> PostAsync<T>(
        string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await SendAsync<T>(request, authenticate: true, cancellationToken);
    }

    /// <summary>Sends a DELETE; the value is true on success.</summary>
    public async Task<ApiResult<bool>> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        var result = await SendAsync<JsonElement?>(request, authenticate: true, cancellationToken);
        return result.IsSuccess ? ApiResult<bool>.Ok(true) : ApiResult<bool>.Failed(result.Failure, result.Problem);
    }

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpRequestMessage request, bool authenticate, CancellationToken cancellationToken)
    {
        if (authenticate)
        {
            var state = await authentication.GetAuthenticationStateAsync();
            var token = state.User.GetAccessToken();
            if (token is null)
            {
                return ApiResult<T>.Failed(ApiFailure.SignedOut);
            }

            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ReadAsync<T>(request, response, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException
            or BrokenCircuitException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, exception, request.Method.Method, request.RequestUri?.ToString());
            return ApiResult<T>.Failed(ApiFailure.Unavailable);
        }
    }

    private async Task<ApiResult<T>> ReadAsync<T>(
        HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
            {
                return ApiResult<T>.Ok(default!);
            }

            var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
            return ApiResult<T>.Ok(value!);
        }

        var status = (int)response.StatusCode;

        if (status >= 500)
        {
            LogServerError(logger, request.Method.Method, request.RequestUri?.ToString(), status);
            return ApiResult<T>.Failed(ApiFailure.Unavailable);
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        var failure = response.StatusCode == HttpStatusCode.Unauthorized && request.Headers.Authorization is not null
            ? ApiFailure.SignedOut
            : ApiFailure.Rejected;
        return ApiResult<T>.Failed(failure, problem);
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var body = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            return new ApiProblem(status, body?.Title, body?.Detail,
                body?.Errors ?? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return new ApiProblem(status, response.ReasonPhrase, null, new Dictionary<string, string[]>());
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    [LoggerMessage(EventId = 2000, EventName = "ApiUnavailable", Level = LogLevel.Warning,
        Message = "The API could not be reached for {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string? path);

    [LoggerMessage(EventId = 2001, EventName = "ApiServerError", Level = LogLevel.Warning,
        Message = "The API failed {Method} {Path} with HTTP {StatusCode}")]
    private static partial void LogServerError(ILogger logger, string method, string? path, int statusCode);
}
