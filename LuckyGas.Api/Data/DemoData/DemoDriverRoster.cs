using Bogus;
using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Demo driver with the region and days it serves and how customers tend to rate it.</summary>
/// <param name="Driver">The driver entity.</param>
/// <param name="Region">Region whose deliveries the driver makes.</param>
/// <param name="FirstDay">First Asia/Taipei day on which the driver delivers.</param>
/// <param name="LastDay">Last day on which the driver delivers, or null for a driver who is still employed.</param>
/// <param name="FiveStarShare">Probability that a rating of the driver's delivery is 5 stars.</param>
internal sealed record DemoDriver(Driver Driver, DemoRegion Region, DateOnly FirstDay, DateOnly? LastDay, double FiveStarShare)
{
    /// <summary>Returns whether the driver delivers on <paramref name="day"/>.</summary>
    public bool WorksOn(DateOnly day) => day >= FirstDay && (LastDay is null || day <= LastDay);
}

/// <summary>The demo drivers, each serving one region, and the choice of a driver for a delivery.</summary>
internal sealed class DemoDriverRoster
{
    private readonly Faker _faker;
    private readonly Dictionary<DemoRegion, DemoDriver[]> _byRegion;

    private DemoDriverRoster(Faker faker, IReadOnlyList<DemoDriver> drivers)
    {
        _faker = faker;
        Drivers = drivers;
        _byRegion = drivers.GroupBy(driver => driver.Region).ToDictionary(group => group.Key, group => group.ToArray());
    }

    /// <summary>Every driver, in the order they were created.</summary>
    public IReadOnlyList<DemoDriver> Drivers { get; }

    /// <summary>
    /// Creates <paramref name="count"/> drivers with unique names and mobile numbers, spread over the regions by
    /// their share of customers, with at least one in each region. In the largest region, when it has at least three drivers,
    /// one driver left 90 to 150 days ago and another joined 60 to 100 days ago.
    /// </summary>
    /// <param name="faker">Source of random numbers.</param>
    /// <param name="count">Number of drivers, at least the number of regions.</param>
    /// <param name="today">Last day of the history, in Asia/Taipei.</param>
    /// <param name="phones">Phone numbers already taken, to which the drivers' numbers are added.</param>
    public static DemoDriverRoster Create(Faker faker, int count, DateOnly today, ISet<string> phones)
    {
        var regionCounts = SplitByShare(count, DemoCities.RegionShares());
        var largestRegion = regionCounts.MaxBy(pair => pair.Value).Key;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var drivers = new List<DemoDriver>(count);

        foreach (var (region, regionCount) in regionCounts.OrderBy(pair => pair.Key))
        {
            for (var index = 0; index < regionCount; index++)
            {
                var firstDay = today.AddDays(-faker.Random.Number(365, 6 * 365));
                DateOnly? lastDay = null;
                if (region == largestRegion && regionCount >= 3 && index == 0)
                {
                    lastDay = today.AddDays(-faker.Random.Number(90, 150));
                }
                else if (region == largestRegion && regionCount >= 3 && index == 1)
                {
                    firstDay = today.AddDays(-faker.Random.Number(60, 100));
                }

                var driver = new Driver
                {
                    Name = DemoValues.UniqueText(names, () => DemoNames.PersonName(faker, male: faker.Random.Bool(0.9f))),
                    Phone = DemoValues.UniqueText(phones, () => DemoValues.MobileNumber(faker)),
                    Active = lastDay is null,
                    CreatedAt = DemoValues.TaipeiInstant(firstDay, faker.Random.Double(9, 17)),
                };
                drivers.Add(new DemoDriver(driver, region, firstDay, lastDay, faker.Random.Double(0.45, 0.75)));
            }
        }

        return new DemoDriverRoster(faker, drivers);
    }

    /// <summary>
    /// Chooses a driver of <paramref name="region"/> who works on <paramref name="day"/>, or any driver of the region
    /// when none does.
    /// </summary>
    public DemoDriver Choose(DemoRegion region, DateOnly day)
    {
        var regionDrivers = _byRegion[region];
        var working = regionDrivers.Where(driver => driver.WorksOn(day)).ToArray();
        return _faker.PickRandom(working.Length > 0 ? working : regionDrivers);
    }

    /// <summary>
    /// Splits <paramref name="count"/> over the regions in proportion to their shares, with at least one for each, by
    /// the largest remainder method.
    /// </summary>
    private static Dictionary<DemoRegion, int> SplitByShare(int count, IReadOnlyDictionary<DemoRegion, double> shares)
    {
        var counts = shares.ToDictionary(pair => pair.Key, _ => 1);
        var remaining = count - counts.Count;
        var exact = shares.ToDictionary(pair => pair.Key, pair => pair.Value * remaining);
        foreach (var (region, value) in exact)
        {
            counts[region] += (int)Math.Floor(value);
        }

        var left = count - counts.Values.Sum();
        var largestRemainders = exact
            .OrderByDescending(pair => pair.Value - Math.Floor(pair.Value))
            .ThenBy(pair => pair.Key)
            .Take(left);
        foreach (var (region, _) in largestRemainders)
        {
            counts[region]++;
        }

        return counts;
    }
}
