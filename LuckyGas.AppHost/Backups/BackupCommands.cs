using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LuckyGas.AppHost.Applications;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Backups;

/// <summary>Adds the "Back up now" and "Verify latest backup" dashboard commands to the backup worker.</summary>
/// <remarks>
/// The worker accepts the API's staff bearer tokens with the Admin role, so the commands sign in as
/// <c>admin</c> through an API instance and call the worker with that token. This needs no secret
/// beyond the ones the API already has, and the worker logs the same caller as the API would.
/// </remarks>
public static partial class BackupCommands
{
    /// <summary>Name of the command that starts a backup.</summary>
    public const string BackUpName = "back-up-now";

    /// <summary>Name of the command that verifies the newest good backup.</summary>
    public const string VerifyName = "verify-latest-backup";

    // A backup of the demo data takes seconds; a large production database may take an hour.
    private static readonly TimeSpan s_maxWait = TimeSpan.FromHours(2);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds both commands, enabled while the worker runs.</summary>
    public static IResourceBuilder<ProjectResource> WithBackupCommands(
        this IResourceBuilder<ProjectResource> worker, IResourceBuilder<ProjectResource> api,
        IResourceBuilder<ParameterResource> adminPassword)
    {
        worker.ApplicationBuilder.Services.AddHttpClient();
        var workerEndpoint = worker.GetEndpoint("http");
        var apiEndpoint = api.GetEndpoint("http");

        worker.WithCommand(BackUpName, "Back up now",
            context => RunAsync(context, workerEndpoint, apiEndpoint, adminPassword.Resource, "/backups"),
            Options("Dumps the database, encrypts it, uploads it to S3 and verifies a restore on pg-verify.", "CloudArrowUp"));
        worker.WithCommand(VerifyName, "Verify latest backup",
            context => RunAsync(context, workerEndpoint, apiEndpoint, adminPassword.Resource, "/backups/verify-latest"),
            Options("Downloads the newest backup, restores it on pg-verify and compares row counts.", "ShieldCheckmark"));
        return worker;
    }

    private static CommandOptions Options(string description, string icon) => new()
    {
        Description = description,
        IconName = icon,
        IconVariant = IconVariant.Regular,
        UpdateState = context => context.ResourceSnapshot.State?.Text is var state
            && (state == KnownResourceStates.Running || state == KnownResourceStates.RuntimeUnhealthy)
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
    };

    private static async Task<ExecuteCommandResult> RunAsync(
        ExecuteCommandContext context, EndpointReference workerEndpoint, EndpointReference apiEndpoint,
        ParameterResource adminPassword, string path)
    {
        if (!workerEndpoint.IsAllocated || !apiEndpoint.IsAllocated)
        {
            return CommandResults.Failure("The backup worker or the API is not running yet. Wait until both run and try again.");
        }

        var password = await adminPassword.GetValueAsync(context.CancellationToken) ?? "";
        var clients = context.Services.GetRequiredService<IHttpClientFactory>();
        try
        {
            string token;
            using (var apiClient = clients.CreateClient())
            {
                token = await SignInAsync(apiClient, new Uri(apiEndpoint.Url), password, context.CancellationToken);
            }

            // A client's base address and headers cannot change after its first request.
            using var workerClient = clients.CreateClient();
            workerClient.BaseAddress = new Uri(workerEndpoint.Url);
            workerClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await StartAndWaitAsync(workerClient, path, context.Logger, context.CancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException)
        {
            LogCommandFailed(context.Logger, exception, path);
            return CommandResults.Failure($"Calling the backup worker failed: {exception.Message}");
        }
    }

    private static async Task<string> SignInAsync(HttpClient client, Uri api, string password, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(new Uri(api, "/api/v1/auth/token"),
            new { userName = DemoDataCommand.AdminUserName, password }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Signing in as {DemoDataCommand.AdminUserName} failed with HTTP {(int)response.StatusCode}.");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("accessToken").GetString()
            ?? throw new JsonException("The sign-in response has no accessToken.");
    }

    private static async Task<ExecuteCommandResult> StartAndWaitAsync(
        HttpClient client, string path, ILogger logger, CancellationToken cancellationToken)
    {
        using var started = await client.PostAsync(path, content: null, cancellationToken);
        if (!started.IsSuccessStatusCode)
        {
            return CommandResults.Failure($"POST {path} on the backup worker returned HTTP {(int)started.StatusCode}.");
        }

        var run = await started.Content.ReadFromJsonAsync<RunState>(s_json, cancellationToken)
            ?? throw new JsonException("The worker returned an empty run.");
        var deadline = DateTime.UtcNow + s_maxWait;
        while (run.Status == "Running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            run = await client.GetFromJsonAsync<RunState>($"/backups/runs/{run.Id}", s_json, cancellationToken)
                ?? throw new JsonException("The worker returned an empty run.");
        }

        LogCommandFinished(logger, path, run.Status, run.BackupName);
        return run.Status switch
        {
            "Succeeded" => CommandResults.Success(),
            "Running" => CommandResults.Failure($"Run {run.Id} still runs after {s_maxWait.TotalHours} h; see the worker's log."),
            _ => CommandResults.Failure($"{run.BackupName} failed at step {run.FailedStep}: {run.Error}"),
        };
    }

    private sealed record RunState(string Id, string Status, string? BackupName, string? FailedStep, string? Error);

    [LoggerMessage(EventId = 5030, EventName = "BackupCommandFinished", Level = LogLevel.Information,
        Message = "Backup command {Path} finished: {Status}, backup {BackupName}")]
    private static partial void LogCommandFinished(ILogger logger, string path, string status, string? backupName);

    [LoggerMessage(EventId = 5031, EventName = "BackupCommandFailed", Level = LogLevel.Warning,
        Message = "Backup command {Path} failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, string path);
}
