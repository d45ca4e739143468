using System.Globalization;

namespace LuckyGas.Web.Localization;

/// <summary>Formats amounts and times for the current culture.</summary>
public static class Formats
{
    /// <summary>The time zone every time is shown in.</summary>
    public static readonly TimeZoneInfo Taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");

    /// <summary>Formats whole New Taiwan dollars, such as <c>NT$1,240</c>.</summary>
    public static string Ntd(long amount) =>
        "NT$" + amount.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>Formats a time in Asia/Taipei with the culture's short date and time.</summary>
    public static string Time(DateTimeOffset time) =>
        TimeZoneInfo.ConvertTime(time, Taipei).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>Formats a time in Asia/Taipei, or a dash when there is none.</summary>
    public static string Time(DateTimeOffset? time) => time is { } value ? Time(value) : "–";

    /// <summary>Formats a day with the culture's short date.</summary>
    public static string Day(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>Formats a number with the culture's digits.</summary>
    public static string Number(double value, int decimals = 0) =>
        value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture);

    /// <summary>Returns the current Asia/Taipei day.</summary>
    public static DateOnly TaipeiToday(TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Taipei).DateTime);

    /// <summary>Returns the start of an Asia/Taipei day as an instant with the +08:00 offset.</summary>
    public static DateTimeOffset StartOf(DateOnly day) =>
        new(day.ToDateTime(TimeOnly.MinValue), Taipei.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)));
}
