using System.Diagnostics.Metrics;
using LuckyGas.Api.Features.Monitoring.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>
/// Reads pgBouncer's pools every 15 s with <see cref="PgBouncerPoolsCheck"/> and reports the
/// active and waiting clients as <c>luckygas_pgbouncer_clients_active</c> and
/// <c>luckygas_pgbouncer_clients_waiting</c>.
/// </summary>
/// <remarks>
/// NOTE: Debian 12's prometheus-pgbouncer-exporter 1.7 fails at start against pgBouncer 1.18
/// (it reads SHOW STATS column <c>total_requests</c>, which pgBouncer removed in 1.8), so the API
/// exports the pool figures that the alert rules need.
/// </remarks>
internal sealed partial class PgBouncerPoolMetrics : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(15);

    private readonly PgBouncerPoolsCheck _check;
    private readonly TimeProvider _clock;
    private readonly ILogger<PgBouncerPoolMetrics> _logger;
    private readonly Meter _meter;
    private volatile HealthEntry? _last;
    private bool _lastFailed;

    public PgBouncerPoolMetrics(
        IMeterFactory meterFactory, PgBouncerPoolsCheck check, TimeProvider clock, ILogger<PgBouncerPoolMetrics> logger)
    {
        _check = check;
        _clock = clock;
        _logger = logger;
        _meter = meterFactory.Create(BusinessMetrics.MeterName);
        _meter.CreateObservableGauge("luckygas.pgbouncer.clients.active", () => Observe("activeClients"), "{client}",
            "Client connections of pgBouncer that are linked to a server connection.");
        _meter.CreateObservableGauge("luckygas.pgbouncer.clients.waiting", () => Observe("waitingClients"), "{client}",
            "Client connections of pgBouncer that wait for a server connection.");
    }

    public override void Dispose()
    {
        base.Dispose();
        _meter.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval, _clock);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var entry = (await _check.CheckAsync(timeout.Token)).Single();
            _last = entry.Status == HealthStatus.Unhealthy ? null : entry;
            if (entry.Status == HealthStatus.Unhealthy)
            {
                LogFailedOnce(entry.Description, null);
                return;
            }

            _lastFailed = false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _last = null;
            LogFailedOnce(exception.Message, exception);
        }
    }

    private void LogFailedOnce(string reason, Exception? exception)
    {
        // The gauges report nothing while pgBouncer cannot be read; the failure is logged once until it can.
        if (!_lastFailed)
        {
            LogReadFailed(_logger, reason, exception);
            _lastFailed = true;
        }
    }

    private IEnumerable<Measurement<long>> Observe(string key)
    {
        if (_last?.Data.GetValueOrDefault(key) is long value)
        {
            yield return new Measurement<long>(value);
        }
    }

    [LoggerMessage(EventId = 6010, EventName = "PgBouncerPoolsReadFailed", Level = LogLevel.Warning,
        Message = "Reading pgBouncer's pools for metrics failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason, Exception? exception);
}
