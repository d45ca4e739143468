using Bogus;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>
/// Generates realistic demo data for a history that ends today: customers in real cities and districts, drivers, and
/// orders that follow each customer's own gas use, with deliveries and ratings. The same seed, prices, options and
/// day give the same data.
/// </summary>
/// <remarks>
/// <para>
/// Customers are 70% households, 25% restaurants and 5% factories. About 90% live in 臺北市, 新北市, 桃園市, 臺中市 and
/// 高雄市, and busy districts get more customers than rural ones. Households have a person's name and a mobile number.
/// Restaurants and factories have a shop or company name and a landline with their city's area code. Every phone
/// number passes <see cref="TaiwanPhoneNumber.Parse"/> and is stored in its display form, and every address passes
/// <see cref="TaiwanAddress.Create"/>.
/// </para>
/// <para>
/// A household burns one 20 kg cylinder in 25 to 60 days. A restaurant burns 2 to 6 cylinders of 20 kg, or 2 to 4 of
/// 50 kg, in 5 to 12 days. A factory burns 4 to 10 cylinders of 50 kg a week. <see cref="DemoOrderHistory"/> turns
/// that into orders. About 12% of the customers joined during the history. Of the others, 3% stopped ordering between
/// 45 days and half the history before today. So some histories are short and some end early.
/// </para>
/// </remarks>
/// <param name="prices">
/// Rows of the <c>cylinder_prices</c> table, with at least one price for each cylinder size. Each order line gets the
/// price in force on the day the order was placed.
/// </param>
/// <param name="options">Sizes of the data set, or null for <see cref="DemoDataOptions"/>' defaults.</param>
/// <exception cref="ArgumentException">A cylinder size has no price.</exception>
/// <exception cref="ArgumentOutOfRangeException">An option is out of range. The message names it and its range.</exception>
public sealed class DemoDataGenerator(IEnumerable<CylinderPrice> prices, DemoDataOptions? options = null)
{
    /// <summary>Seed of the demo data inserted on the first start.</summary>
    public const int DefaultSeed = 20260101;

    /// <summary>The <see cref="Order.CreatedBy"/> of every generated order, which sets demo orders apart.</summary>
    public const string CreatedBy = "demo-data";

    /// <summary>Probability that a customer joined during the history rather than before it.</summary>
    public const float JoinedDuringHistoryShare = 0.12f;

    /// <summary>Probability that a customer who joined before the history stopped ordering during it.</summary>
    public const float LeftDuringHistoryShare = 0.03f;

    // Days past today that the history looks ahead, so that orders placed by now for the coming days are included.
    private const int LookaheadDays = 3;

    private readonly DemoPriceList _prices = new(prices);

    private readonly DemoDataOptions _options = Validate(options ?? new DemoDataOptions());

    /// <summary>
    /// Generates a data set for the history that ends at <paramref name="clock"/>'s current time, from
    /// <paramref name="seed"/>.
    /// </summary>
    public DemoDataSet Generate(TimeProvider clock, int seed)
    {
        ArgumentNullException.ThrowIfNull(clock);

        var now = DemoValues.WholeSeconds(clock.GetUtcNow().ToUniversalTime());
        var today = DemoValues.TaipeiDay(now);
        var faker = new Faker("zh_TW") { Random = new Randomizer(seed) };

        var phones = new HashSet<string>(StringComparer.Ordinal);
        var roster = DemoDriverRoster.Create(faker, _options.DriverCount, today, phones);
        var history = new DemoOrderHistory(faker, _prices, roster, now);
        var builder = new CustomerBuilder(faker, history, phones, today, _options.HistoryDays);

        var customers = ShuffledKinds(faker).Select(builder.Create).ToList();
        var drivers = roster.Drivers.Select(driver => driver.Driver).ToList();
        return new DemoDataSet(seed, drivers, customers);
    }

    private List<CustomerKind> ShuffledKinds(Faker faker)
    {
        var count = _options.CustomerCount;
        var households = (int)Math.Round(count * 0.70, MidpointRounding.AwayFromZero);
        var restaurants = (int)Math.Round(count * 0.25, MidpointRounding.AwayFromZero);
        var factories = Math.Max(0, count - households - restaurants);
        var kinds = Enumerable.Repeat(CustomerKind.Household, households)
            .Concat(Enumerable.Repeat(CustomerKind.Restaurant, restaurants))
            .Concat(Enumerable.Repeat(CustomerKind.Factory, factories))
            .Take(count)
            .ToList();
        return faker.Random.Shuffle(kinds).ToList();
    }

    private static DemoDataOptions Validate(DemoDataOptions options)
    {
        var regionCount = Enum.GetValues<DemoRegion>().Length;
        if (options.CustomerCount is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.CustomerCount, "CustomerCount must be from 1 to 100000.");
        }

        if (options.DriverCount < regionCount || options.DriverCount > 1_000)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.DriverCount,
                $"DriverCount must be from {regionCount}, one for each delivery region, to 1000.");
        }

        if (options.HistoryDays is < DemoDataOptions.MinHistoryDays or > 3_650)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.HistoryDays,
                $"HistoryDays must be from {DemoDataOptions.MinHistoryDays} to 3650.");
        }

        return options;
    }

    /// <summary>Creates one customer with its name, phone, address, timeline and orders.</summary>
    private sealed class CustomerBuilder(
        Faker faker, DemoOrderHistory history, ISet<string> phones, DateOnly today, int historyDays)
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _streetsByDistrict = new(StringComparer.Ordinal);
        private readonly DateOnly _historyStart = today.AddDays(-historyDays);

        public Customer Create(CustomerKind kind)
        {
            var consumption = kind switch
            {
                CustomerKind.Household => DemoConsumption.ForHousehold(faker),
                CustomerKind.Restaurant => DemoConsumption.ForRestaurant(faker),
                _ => DemoConsumption.ForFactory(faker),
            };

            var city = DemoValues.Weighted(faker, DemoCities.All, candidate => candidate.Weight);
            var district = DemoValues.Weighted(faker, city.Districts,
                candidate => city.BusyDistricts.Contains(candidate) ? DemoCities.BusyDistrictWeight : 1);
            var address = TaiwanAddress.Create(city.Name, district, CreateStreet(kind, city, district));

            var customer = new Customer
            {
                Kind = kind,
                Name = DemoValues.UniqueText(_names, () => CreateName(kind, district)),
                Phone = DemoValues.UniqueText(phones, () => kind == CustomerKind.Household
                    ? DemoValues.MobileNumber(faker)
                    : DemoValues.LandlineNumber(faker, city)),
                City = address.City,
                District = address.District,
                Street = address.Street,
                CylinderSizes = consumption.UsualLines.Select(line => line.SizeKg).Distinct().Order().ToArray(),
            };

            AddTimeline(customer, consumption, city.Region);
            return customer;
        }

        private void AddTimeline(Customer customer, DemoConsumption consumption, DemoRegion region)
        {
            var joinedDuringHistory = faker.Random.Bool(DemoDataGenerator.JoinedDuringHistoryShare);
            var leftDuringHistory = !joinedDuringHistory
                && historyDays >= 180
                && faker.Random.Bool(DemoDataGenerator.LeftDuringHistoryShare);

            DateOnly firstDelivery;
            var joinDay = _historyStart;
            if (joinedDuringHistory)
            {
                joinDay = _historyStart.AddDays(faker.Random.Number(30, historyDays - 7));
                firstDelivery = joinDay.AddDays(faker.Random.Number(1, 2));
            }
            else
            {
                // The first delivery of the history falls anywhere in the customer's first interval.
                var firstInterval = Math.Max(1, (int)consumption.UsualIntervalDays);
                firstDelivery = _historyStart.AddDays(faker.Random.Number(0, firstInterval - 1));
            }

            if (consumption.WeeklyDeliveryDay is { } weekday)
            {
                firstDelivery = firstDelivery.AddDays(((int)weekday - (int)firstDelivery.DayOfWeek + 7) % 7);
            }

            var lastDelivery = leftDuringHistory
                ? today.AddDays(-faker.Random.Number(45, historyDays / 2))
                : today.AddDays(LookaheadDays);

            history.AddOrders(customer, consumption, region, firstDelivery, lastDelivery);

            if (joinedDuringHistory && customer.Orders.Count > 0)
            {
                var firstOrder = customer.Orders.Min(order => order.CreatedAt);
                customer.CreatedAt = DemoValues.WholeSeconds(firstOrder - TimeSpan.FromMinutes(faker.Random.Double(5, 120)));
            }
            else if (joinedDuringHistory)
            {
                customer.CreatedAt = DemoValues.TaipeiInstant(joinDay, faker.Random.Double(9, 18));
            }
            else
            {
                var daysBefore = faker.Random.Number(30, 6 * 365);
                customer.CreatedAt = DemoValues.TaipeiInstant(_historyStart.AddDays(-daysBefore), faker.Random.Double(9, 18));
            }

            customer.UpdatedAt = customer.CreatedAt;
        }

        private string CreateName(CustomerKind kind, string district) => kind switch
        {
            CustomerKind.Household => DemoNames.PersonName(faker, male: faker.Random.Bool()),
            CustomerKind.Restaurant => DemoNames.RestaurantName(faker, district),
            _ => DemoNames.FactoryName(faker),
        };

        private string CreateStreet(CustomerKind kind, DemoCity city, string district)
        {
            var key = city.Name + district;
            if (!_streetsByDistrict.TryGetValue(key, out var streets))
            {
                streets = new HashSet<string>(StringComparer.Ordinal);
                _streetsByDistrict[key] = streets;
            }

            return DemoValues.UniqueText(streets, () => kind switch
            {
                CustomerKind.Household => DemoNames.Street(faker, withFloor: true),
                CustomerKind.Restaurant => DemoNames.Street(faker, withFloor: false),
                _ => DemoNames.IndustrialStreet(faker),
            });
        }
    }
}
