namespace LuckyGas.Api.Infrastructure;

/// <summary>Days and times in Asia/Taipei, where the business runs; times are stored in UTC.</summary>
public static class TaipeiTime
{
    /// <summary>The Asia/Taipei time zone (UTC+8, no daylight saving time).</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");

    /// <summary>Returns today's date in Asia/Taipei.</summary>
    public static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone).DateTime);
}
