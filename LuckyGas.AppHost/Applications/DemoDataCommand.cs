using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Applications;

/// <summary>Adds the dashboard command that replaces the demo data through an API instance.</summary>
public static partial class DemoDataCommand
{
    /// <summary>Name that identifies the command on the resource.</summary>
    public const string Name = "reset-demo-data";

    /// <summary>User name of the administrator account that the migrator creates.</summary>
    public const string AdminUserName = "admin";

    private const string TokenPath = "/api/v1/auth/token";

    private const string ResetPath = "/api/v1/admin/demo-data/reset";

    // Enough of an error body to name the cause, short enough for the dashboard's notification.
    private const int MaxDetailLength = 300;

    /// <summary>
    /// Adds the "Reset demo data" command to an API resource. After the user confirms, it signs in as
    /// <c>admin</c> with <paramref name="adminPassword"/> through <c>POST /api/v1/auth/token</c> on the resource's
    /// <c>http</c> endpoint and calls <c>POST /api/v1/admin/demo-data/reset</c>. The command is enabled while the
    /// resource runs. It fails with a message that names the HTTP status when either request fails.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithResetDemoDataCommand(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ParameterResource> adminPassword)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(adminPassword);

        api.ApplicationBuilder.Services.AddHttpClient();
        var endpoint = api.GetEndpoint("http");
        var password = adminPassword.Resource;

        return api.WithCommand(
            Name,
            "Reset demo data",
            context => ResetAsync(context, endpoint, password),
            new CommandOptions
            {
                Description = "Deletes every customer, order, driver and delivery and inserts a fresh year of demo data.",
                ConfirmationMessage = "Delete every customer, order, driver, delivery and idempotency record and insert "
                    + "a fresh year of demo data? Staff accounts and prices stay. This cannot be undone.",
                IconName = "ArrowReset",
                IconVariant = IconVariant.Regular,
                UpdateState = context => IsRunning(context.ResourceSnapshot)
                    ? ResourceCommandState.Enabled
                    : ResourceCommandState.Disabled,
            });
    }

    private static bool IsRunning(CustomResourceSnapshot snapshot)
    {
        var state = snapshot.State?.Text;
        return state == KnownResourceStates.Running || state == KnownResourceStates.RuntimeUnhealthy;
    }

    private static async Task<ExecuteCommandResult> ResetAsync(
        ExecuteCommandContext context, EndpointReference endpoint, ParameterResource adminPassword)
    {
        if (!endpoint.IsAllocated)
        {
            return CommandResults.Failure(
                $"The http endpoint of {context.ResourceName} is not allocated yet. Wait until it runs and try again.");
        }

        var password = await adminPassword.GetValueAsync(context.CancellationToken);
        if (string.IsNullOrEmpty(password))
        {
            return CommandResults.Failure(
                $"The {adminPassword.Name} parameter has no value, so the command cannot sign in as {AdminUserName}.");
        }

        using var client = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        client.BaseAddress = new Uri(endpoint.Url);
        return await ResetThroughApiAsync(client, password, context.ResourceName, context.Logger, context.CancellationToken);
    }

    /// <summary>
    /// Signs in as <c>admin</c> with <paramref name="password"/> and calls the reset endpoint, both relative to
    /// <paramref name="client"/>'s base address. Returns success with the inserted counts, or failure with a message
    /// that names the failed step and its HTTP status, or the connection error.
    /// </summary>
    /// <param name="client">Client whose base address is the API instance, such as <c>http://localhost:5123</c>.</param>
    /// <param name="password">Password of the <c>admin</c> account.</param>
    /// <param name="resourceName">Name of the API resource, for messages and logs.</param>
    /// <param name="logger">Logger of the API resource, which the dashboard shows in its console log.</param>
    /// <param name="cancellationToken">Token that cancels the requests.</param>
    public static async Task<ExecuteCommandResult> ResetThroughApiAsync(
        HttpClient client, string password, string resourceName, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await SignInAndResetAsync(client, password, resourceName, logger, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            LogRequestFailed(logger, exception, resourceName, client.BaseAddress);
            return CommandResults.Failure($"Could not reach {resourceName} at {client.BaseAddress}: {exception.Message}");
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRequestFailed(logger, exception, resourceName, client.BaseAddress);
            return CommandResults.Failure(
                $"{resourceName} did not respond within {client.Timeout.TotalSeconds:0} s. "
                    + "Check its logs, because the reset may still finish.");
        }
        catch (JsonException exception)
        {
            LogRequestFailed(logger, exception, resourceName, client.BaseAddress);
            return CommandResults.Failure(
                $"{resourceName} returned a response body that is not the expected JSON: {exception.Message}");
        }
    }

    private static async Task<ExecuteCommandResult> SignInAndResetAsync(
        HttpClient client, string password, string resourceName, ILogger logger, CancellationToken cancellationToken)
    {
        var credentials = new TokenRequest(AdminUserName, password);
        using var tokenResponse = await client.PostAsJsonAsync(TokenPath, credentials, cancellationToken);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            var failure = await DescribeFailureAsync($"Signing in as {AdminUserName}", tokenResponse, cancellationToken);
            LogCommandFailed(logger, resourceName, failure);
            return CommandResults.Failure(failure);
        }

        var token = await tokenResponse.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        if (string.IsNullOrEmpty(token?.AccessToken))
        {
            var failure = $"Signing in as {AdminUserName} returned HTTP {(int)tokenResponse.StatusCode} without an accessToken.";
            LogCommandFailed(logger, resourceName, failure);
            return CommandResults.Failure(failure);
        }

        using var resetRequest = new HttpRequestMessage(HttpMethod.Post, ResetPath);
        resetRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var resetResponse = await client.SendAsync(resetRequest, cancellationToken);
        if (!resetResponse.IsSuccessStatusCode)
        {
            var failure = await DescribeFailureAsync("The demo data reset", resetResponse, cancellationToken);
            LogCommandFailed(logger, resourceName, failure);
            return CommandResults.Failure(failure);
        }

        var summary = await resetResponse.Content.ReadFromJsonAsync<ResetSummary>(cancellationToken)
            ?? throw new JsonException("The reset response body is empty.");
        LogReset(logger, resourceName, summary.Seed, summary.Customers, summary.Orders, summary.ElapsedMilliseconds);
        return CommandResults.Success(
            $"Inserted {summary.Customers} customers, {summary.Drivers} drivers, {summary.Orders} orders and "
                + $"{summary.Deliveries} deliveries from seed {summary.Seed} in {summary.ElapsedMilliseconds} ms.");
    }

    /// <summary>
    /// Returns a message that names the failed step, the HTTP status and, when the body is problem details, its detail
    /// or title.
    /// </summary>
    private static async Task<string> DescribeFailureAsync(
        string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var message = $"{step} failed with HTTP {(int)response.StatusCode} ({response.ReasonPhrase})";
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = ReadProblemDetail(body);
        if (string.IsNullOrWhiteSpace(detail))
        {
            return message + ".";
        }

        if (detail.Length > MaxDetailLength)
        {
            detail = detail[..MaxDetailLength] + "…";
        }

        return $"{message}: {detail}";
    }

    private static string? ReadProblemDetail(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in (string[])["detail", "title"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private sealed record TokenRequest(string UserName, string Password);

    private sealed record TokenResponse(string? AccessToken);

    private sealed record ResetSummary(
        int Seed, int Customers, int Drivers, int Orders, int Deliveries, int Ratings, long ElapsedMilliseconds);

    [LoggerMessage(EventId = 5020, EventName = "DemoDataResetByCommand", Level = LogLevel.Information,
        Message = "Reset the demo data through {Resource}: seed {Seed}, {Customers} customers, {Orders} orders, "
            + "{ElapsedMilliseconds} ms")]
    private static partial void LogReset(
        ILogger logger, string resource, int seed, int customers, int orders, long elapsedMilliseconds);

    [LoggerMessage(EventId = 5021, EventName = "DemoDataResetCommandFailed", Level = LogLevel.Warning,
        Message = "The demo data reset through {Resource} failed: {Failure}")]
    private static partial void LogCommandFailed(ILogger logger, string resource, string failure);

    [LoggerMessage(EventId = 5022, EventName = "DemoDataResetRequestFailed", Level = LogLevel.Warning,
        Message = "A demo data reset request to {Resource} at {BaseAddress} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string resource, Uri? baseAddress);
}
