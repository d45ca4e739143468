using Bogus;
using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>One cylinder size and quantity of a demo order, before pricing.</summary>
internal readonly record struct DemoLine(int SizeKg, int Quantity);

/// <summary>
/// How one demo customer uses gas: what it usually orders and how fast it burns through it. Each customer gets its own
/// rate, so that refill prediction returns a different date for each.
/// </summary>
/// <param name="Kind">Kind of customer.</param>
/// <param name="UsualLines">Cylinders of a usual order, smallest size first.</param>
/// <param name="KilogramsPerDay">Mean gas use in kilograms a day, before the seasonal change.</param>
/// <param name="IntervalSpread">
/// Standard deviation of the random factor, around 1, that stretches or shortens each interval between deliveries.
/// </param>
/// <param name="Seasonal">Whether use rises in winter and falls in summer, as it does for hot water in homes.</param>
/// <param name="WeeklyDeliveryDay">Weekday of a standing weekly delivery, or null for customers who order when low.</param>
internal sealed record DemoConsumption(
    CustomerKind Kind,
    IReadOnlyList<DemoLine> UsualLines,
    double KilogramsPerDay,
    double IntervalSpread,
    bool Seasonal,
    DayOfWeek? WeeklyDeliveryDay)
{
    /// <summary>Relative change of a seasonal customer's use between the yearly mean and its late-January peak.</summary>
    /// <remarks>
    /// NOTE: Homes with gas water heaters may use more than 5% extra in winter. The refill predictor weights the last
    /// few intervals, so it lags behind a stronger season: at 10% it no longer beats the baseline that repeats the
    /// last interval on this data.
    /// </remarks>
    public const double SeasonalAmplitude = 0.05;

    // Day of the year with the highest seasonal use: about 20 January, the coldest weeks in Taiwan.
    private const int PeakDayOfYear = 20;

    /// <summary>Kilograms of a usual order.</summary>
    public int UsualKilograms => UsualLines.Sum(line => line.SizeKg * line.Quantity);

    /// <summary>Days between deliveries of a usual order at the mean rate.</summary>
    public double UsualIntervalDays => UsualKilograms / KilogramsPerDay;

    /// <summary>
    /// Creates the plan of a household: one 20 kg cylinder every 25 to 60 days, chosen per household.
    /// </summary>
    public static DemoConsumption ForHousehold(Faker faker)
    {
        var intervalDays = faker.Random.Double(25, 60);
        return new DemoConsumption(CustomerKind.Household, [new DemoLine(20, 1)], 20 / intervalDays, 0.08, true, null);
    }

    /// <summary>
    /// Creates the plan of a restaurant: 2 to 6 cylinders of 20 kg, or 2 to 4 of 50 kg, every 5 to 12 days. Some
    /// restaurants on 50 kg cylinders also take one 20 kg cylinder for a side stove.
    /// </summary>
    public static DemoConsumption ForRestaurant(Faker faker)
    {
        List<DemoLine> lines;
        if (faker.Random.Bool(0.7f))
        {
            lines = [new DemoLine(20, faker.Random.Number(2, 6))];
        }
        else
        {
            lines = [new DemoLine(50, faker.Random.Number(2, 4))];
            if (faker.Random.Bool(0.3f))
            {
                lines.Insert(0, new DemoLine(20, 1));
            }
        }

        var intervalDays = faker.Random.Double(5, 12);
        var kilograms = lines.Sum(line => line.SizeKg * line.Quantity);
        return new DemoConsumption(CustomerKind.Restaurant, lines, kilograms / intervalDays, 0.1, false, null);
    }

    /// <summary>Creates the plan of a factory: a standing weekly delivery of 4 to 10 cylinders of 50 kg, Monday to Saturday.</summary>
    public static DemoConsumption ForFactory(Faker faker)
    {
        var quantity = faker.Random.Number(4, 10);
        var weekday = (DayOfWeek)faker.Random.Number((int)DayOfWeek.Monday, (int)DayOfWeek.Saturday);
        return new DemoConsumption(CustomerKind.Factory, [new DemoLine(50, quantity)], 50.0 * quantity / 7, 0, false, weekday);
    }

    /// <summary>
    /// Returns the cylinders of the next order: usually the usual ones, sometimes one more or one fewer of the main
    /// size (the last line), as business varies.
    /// </summary>
    public IReadOnlyList<DemoLine> NextLines(Faker faker)
    {
        var change = Kind switch
        {
            CustomerKind.Restaurant when faker.Random.Bool(0.25f) => faker.Random.Bool() ? 1 : -1,
            CustomerKind.Factory when faker.Random.Bool(0.1f) => faker.Random.Number(1, 2),
            _ => 0,
        };
        if (change == 0)
        {
            return UsualLines;
        }

        var main = UsualLines[^1];
        var quantity = Math.Max(1, main.Quantity + change);
        return [.. UsualLines.Take(UsualLines.Count - 1), main with { Quantity = quantity }];
    }

    /// <summary>Returns the gas use in kilograms a day around <paramref name="day"/>, with the seasonal change.</summary>
    public double KilogramsPerDayOn(DateOnly day)
    {
        if (!Seasonal)
        {
            return KilogramsPerDay;
        }

        var angle = 2 * Math.PI * (day.DayOfYear - PeakDayOfYear) / 365.25;
        return KilogramsPerDay * (1 + SeasonalAmplitude * Math.Cos(angle));
    }
}
