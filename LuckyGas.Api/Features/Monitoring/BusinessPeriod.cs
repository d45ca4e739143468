using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>
/// A reporting period that starts at a day boundary in Asia/Taipei and ends now: today, this ISO
/// week (from Monday) or this calendar month.
/// </summary>
/// <param name="Name">The period name as the request gave it: <c>today</c>, <c>week</c> or <c>month</c>.</param>
/// <param name="From">The start, midnight in Asia/Taipei, inclusive.</param>
/// <param name="To">The end, the time of the request, exclusive.</param>
public sealed record BusinessPeriod(string Name, DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The period names the endpoint accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["today", "week", "month"];

    /// <summary>Returns the period named <paramref name="name"/> ending at <paramref name="now"/>, or null for an unknown name.</summary>
    public static BusinessPeriod? TryCreate(string name, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TaipeiTime.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        DateOnly? first = name switch
        {
            "today" => today,
            // ISO weeks start on Monday; DayOfWeek counts from Sunday = 0.
            "week" => today.AddDays(-(((int)today.DayOfWeek + 6) % 7)),
            "month" => new DateOnly(today.Year, today.Month, 1),
            _ => null,
        };
        if (first is not { } day)
        {
            return null;
        }

        // Asia/Taipei has no daylight saving time, so local midnight has the zone's fixed offset.
        var offset = TaipeiTime.Zone.GetUtcOffset(now);
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), offset);
        return new BusinessPeriod(name, from, local);
    }
}
