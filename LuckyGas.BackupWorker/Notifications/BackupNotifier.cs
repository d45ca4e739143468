using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace LuckyGas.BackupWorker.Notifications;

/// <summary>Posts outcomes to a Slack-compatible incoming webhook, or only logs them when none is set.</summary>
public sealed partial class BackupNotifier(
    IHttpClientFactory httpClients, IOptionsMonitor<NotificationOptions> options, ILogger<BackupNotifier> logger)
{
    /// <summary>The name of the HTTP client, which carries the standard resilience pipeline.</summary>
    public const string HttpClientName = "backup-notifications";

    /// <summary>
    /// Posts <c>{"text": message}</c> to the webhook. A failed post is logged, never thrown,
    /// because a notification must not change the backup's outcome.
    /// </summary>
    public async Task NotifyAsync(string message, CancellationToken cancellationToken)
    {
        var url = options.CurrentValue.SlackWebhookUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            LogSkipped(logger);
            return;
        }

        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.PostAsJsonAsync(url, new { text = message }, cancellationToken);
            response.EnsureSuccessStatusCode();
            LogSent(logger, (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException
            or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            // The URL is a secret, so only the error is logged.
            LogFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 7300, EventName = "NotificationSkipped", Level = LogLevel.Debug,
        Message = "No Slack webhook URL is set (Notifications:SlackWebhookUrl), so the outcome is only logged")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(EventId = 7301, EventName = "NotificationSent", Level = LogLevel.Information,
        Message = "Posted the backup outcome to the webhook: HTTP {StatusCode}")]
    private static partial void LogSent(ILogger logger, int statusCode);

    [LoggerMessage(EventId = 7302, EventName = "NotificationFailed", Level = LogLevel.Warning,
        Message = "Posting the backup outcome to the webhook failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
