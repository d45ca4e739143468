using Bogus;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Small random values for the demo data: phone numbers, Taipei times and draws from distributions.</summary>
internal static class DemoValues
{
    private const int MaxUniqueAttempts = 100;

    /// <summary>
    /// Returns a value from <paramref name="create"/> that <paramref name="usedValues"/> does not contain yet, and adds it.
    /// After 100 attempts it returns the last value even if it is used, so that a small pool of names cannot loop
    /// forever.
    /// </summary>
    public static string UniqueText(ISet<string> usedValues, Func<string> create)
    {
        var value = create();
        for (var attempt = 1; attempt < MaxUniqueAttempts && usedValues.Contains(value); attempt++)
        {
            value = create();
        }

        usedValues.Add(value);
        return value;
    }

    /// <summary>Returns a mobile number in display form, from 0910-000-000 to 0989-999-999.</summary>
    public static string MobileNumber(Faker faker)
    {
        var digits = "09" + faker.Random.Number(1, 8) + faker.Random.ReplaceNumbers("#######");
        return TaiwanPhoneNumber.Parse(digits).DisplayForm;
    }

    /// <summary>Returns a landline number of <paramref name="city"/> in display form, such as 02-2345-6789.</summary>
    public static string LandlineNumber(Faker faker, DemoCity city)
    {
        var firstDigit = faker.PickRandom(city.SubscriberFirstDigits.ToCharArray());
        var digits = city.AreaCode + firstDigit + faker.Random.ReplaceNumbers(new string('#', city.SubscriberLength - 1));
        return TaiwanPhoneNumber.Parse(digits).DisplayForm;
    }

    /// <summary>
    /// Returns the instant <paramref name="hours"/> hours after midnight of <paramref name="day"/> in Asia/Taipei, in
    /// UTC and truncated to whole seconds. PostgreSQL stores timestamps in microseconds, and Npgsql writes only
    /// <see cref="DateTimeOffset"/> values with offset 0.
    /// </summary>
    public static DateTimeOffset TaipeiInstant(DateOnly day, double hours)
    {
        var local = day.ToDateTime(TimeOnly.MinValue).AddSeconds(Math.Floor(hours * 3600));
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, TaipeiTime.Zone), TimeSpan.Zero);
    }

    /// <summary>Returns the Asia/Taipei day of <paramref name="instant"/>.</summary>
    public static DateOnly TaipeiDay(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TaipeiTime.Zone).DateTime);

    /// <summary>Returns <paramref name="instant"/> truncated to whole seconds.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset instant) =>
        new(instant.Ticks - instant.Ticks % TimeSpan.TicksPerSecond, instant.Offset);

    /// <summary>
    /// Returns a draw from a normal distribution with mean 1 and standard deviation <paramref name="spread"/>,
    /// clamped to 1 ± 3 spreads and to at least 0.5, by the Box–Muller transform.
    /// </summary>
    public static double Factor(Faker faker, double spread)
    {
        if (spread <= 0)
        {
            return 1;
        }

        // 1 − u keeps the logarithm's argument in (0, 1], because Double() returns values in [0, 1).
        var u1 = 1 - faker.Random.Double();
        var u2 = faker.Random.Double();
        var standard = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Max(0.5, 1 + spread * Math.Clamp(standard, -3, 3));
    }

    /// <summary>Returns one of <paramref name="items"/>, each chosen with probability proportional to its weight.</summary>
    public static T Weighted<T>(Faker faker, IReadOnlyList<T> items, Func<T, int> weight)
    {
        var total = items.Sum(weight);
        var draw = faker.Random.Number(1, total);
        foreach (var item in items)
        {
            draw -= weight(item);
            if (draw <= 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
