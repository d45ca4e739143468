using System.Diagnostics.Metrics;

namespace LuckyGas.BackupWorker;

/// <summary>
/// The worker's instruments on the <c>LuckyGas.BackupWorker</c> meter. The instrument names are
/// the Prometheus names without the <c>_total</c> that the exporter adds to counters.
/// </summary>
public sealed class BackupMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "LuckyGas.BackupWorker";

    private readonly Meter _meter;
    private readonly Gauge<double> _lastSuccess;
    private readonly Gauge<double> _duration;
    private readonly Gauge<long> _size;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _verificationFailures;
    private readonly Gauge<double> _verificationLastSuccess;

    /// <summary>Creates the instruments through <paramref name="meterFactory"/>.</summary>
    public BackupMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _lastSuccess = _meter.CreateGauge<double>("luckygas_backup_last_success_timestamp_seconds",
            description: "Unix time of the last successful backup.");
        _duration = _meter.CreateGauge<double>("luckygas_backup_duration_seconds",
            description: "Duration of the last successful backup, from dump start to verified upload.");
        _size = _meter.CreateGauge<long>("luckygas_backup_size_bytes",
            description: "Encrypted size of the last successful backup.");
        _failures = _meter.CreateCounter<long>("luckygas_backup_failures",
            description: "Failed backups, by the step that failed.");
        _verificationFailures = _meter.CreateCounter<long>("luckygas_backup_verification_failures",
            description: "Failed restore verifications.");
        _verificationLastSuccess = _meter.CreateGauge<double>("luckygas_backup_verification_last_success_timestamp_seconds",
            description: "Unix time of the last successful restore verification.");

        // Zeros from the start, so the failure series exist and increase() over them works
        // before the first failure.
        _failures.Add(0);
        _verificationFailures.Add(0);
    }

    /// <summary>Records a successful backup.</summary>
    public void RecordSuccess(DateTimeOffset finishedAt, TimeSpan duration, long sizeBytes)
    {
        _lastSuccess.Record(finishedAt.ToUnixTimeMilliseconds() / 1000.0);
        _duration.Record(duration.TotalSeconds);
        _size.Record(sizeBytes);
    }

    /// <summary>Counts a failed backup under the step that failed.</summary>
    public void RecordFailure(string step) => _failures.Add(1, new KeyValuePair<string, object?>("step", step));

    /// <summary>Records a restore verification's outcome.</summary>
    public void RecordVerification(bool succeeded, DateTimeOffset at)
    {
        if (succeeded)
        {
            _verificationLastSuccess.Record(at.ToUnixTimeMilliseconds() / 1000.0);
        }
        else
        {
            _verificationFailures.Add(1);
        }
    }

    public void Dispose() => _meter.Dispose();
}
