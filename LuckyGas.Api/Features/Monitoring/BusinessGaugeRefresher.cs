using LuckyGas.Api.Data;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>
/// Reads the business gauges from the database every <see cref="Interval"/> and publishes them to
/// <see cref="BusinessMetrics"/>, so that a Prometheus scrape never waits for a query.
/// </summary>
public sealed partial class BusinessGaugeRefresher(
    IServiceScopeFactory scopes, BusinessMetrics metrics, TimeProvider clock, ILogger<BusinessGaugeRefresher> logger)
    : BackgroundService
{
    /// <summary>How often the gauges are read: once per Prometheus scrape interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private bool _lastFailed;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RefreshAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RefreshAsync(stoppingToken);
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<ReadDbContext>();
            metrics.Publish(await BusinessFigures.MeasureGaugesAsync(database, clock.GetUtcNow(), cancellationToken));
            if (_lastFailed)
            {
                LogRefreshRecovered(logger);
                _lastFailed = false;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The gauges keep their last values; a failure is logged once until a refresh succeeds.
            if (!_lastFailed)
            {
                LogRefreshFailed(logger, exception);
                _lastFailed = true;
            }
        }
    }

    [LoggerMessage(EventId = 6000, EventName = "BusinessGaugeRefreshFailed", Level = LogLevel.Warning,
        Message = "Reading the business gauges from the database failed, so they keep their last values")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6001, EventName = "BusinessGaugeRefreshRecovered", Level = LogLevel.Information,
        Message = "Reading the business gauges from the database succeeds again")]
    private static partial void LogRefreshRecovered(ILogger logger);
}
