using Microsoft.Extensions.Options;

namespace LuckyGas.BackupWorker.Scheduling;

/// <summary>Starts a backup at every occurrence of the schedule, measured with <see cref="TimeProvider"/>.</summary>
public sealed partial class BackupScheduler(
    BackupSchedule schedule, BackupRunner runner, TimeProvider clock, IOptions<BackupOptions> options,
    ILogger<BackupScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ScheduleEnabled)
        {
            LogDisabled(logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (schedule.GetNextOccurrence(now) is not { } next)
            {
                LogNoOccurrence(logger, options.Value.Schedule);
                return;
            }

            LogNext(logger, next, options.Value.TimeZone);
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                await runner.RunAsync(BackupRunKind.Backup, BackupTrigger.Schedule, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7400, EventName = "ScheduleDisabled", Level = LogLevel.Information,
        Message = "Scheduled backups are off (Backup:ScheduleEnabled=false); on-demand backups still run")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 7401, EventName = "NextBackupScheduled", Level = LogLevel.Information,
        Message = "Next scheduled backup at {NextUtc:O} (schedule read in {TimeZone})")]
    private static partial void LogNext(ILogger logger, DateTimeOffset nextUtc, string timeZone);

    [LoggerMessage(EventId = 7402, EventName = "ScheduleHasNoOccurrence", Level = LogLevel.Warning,
        Message = "The schedule '{Schedule}' has no future occurrence, so no backup is scheduled")]
    private static partial void LogNoOccurrence(ILogger logger, string schedule);
}
