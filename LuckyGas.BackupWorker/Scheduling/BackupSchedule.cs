using Cronos;
using Microsoft.Extensions.Options;

namespace LuckyGas.BackupWorker.Scheduling;

/// <summary>The backup schedule: a cron expression read in a time zone, evaluated with Cronos.</summary>
public sealed class BackupSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    /// <summary>Parses the schedule from <see cref="BackupOptions"/>.</summary>
    /// <exception cref="InvalidOperationException">The expression or the time zone is invalid.</exception>
    public BackupSchedule(IOptions<BackupOptions> options)
    {
        var settings = options.Value;
        try
        {
            _expression = CronExpression.Parse(settings.Schedule);
        }
        catch (CronFormatException exception)
        {
            throw new InvalidOperationException(
                $"Backup:Schedule '{settings.Schedule}' is not a valid five-field cron expression, such as '0 2 * * *'. " +
                exception.Message, exception);
        }

        try
        {
            _zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        }
        catch (TimeZoneNotFoundException exception)
        {
            throw new InvalidOperationException(
                $"Backup:TimeZone '{settings.TimeZone}' is not a known time zone. Use an IANA name such as 'Asia/Taipei'.",
                exception);
        }
    }

    /// <summary>Returns the first scheduled time strictly after <paramref name="from"/>, in UTC.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset from) =>
        _expression.GetNextOccurrence(from.ToUniversalTime(), _zone)?.ToUniversalTime();
}
