using System.Text.Json;
using System.Text.RegularExpressions;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.DemoData;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Features.Orders;
using LuckyGas.Api.Features.Predictions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace LuckyGas.Tests.Unit;

public sealed partial class DemoDataGeneratorTests
{
    // An evening in Taipei, so that orders in every open status exist: orders placed after the dispatch shift are
    // Pending, tomorrow's orders are Scheduled, and evening deliveries are OutForDelivery.
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 20, 30, 0, TimeSpan.FromHours(8));

    private static readonly DateOnly s_today = new(2026, 12, 4);

    private static readonly IReadOnlyList<CylinderPrice> s_seededPrices = ReadSeededPrices();

    private static readonly Lazy<DemoDataSet> s_data = new(() => Generate(DemoDataGenerator.DefaultSeed));

    private static readonly string[] s_largestCities = ["臺北市", "新北市", "桃園市", "臺中市", "高雄市"];

    private static readonly Dictionary<string, string> s_areaCodeByCity = new()
    {
        ["臺北市"] = "02", ["新北市"] = "02", ["基隆市"] = "02", ["桃園市"] = "03", ["新竹市"] = "03", ["新竹縣"] = "03",
        ["臺中市"] = "04", ["臺南市"] = "06", ["高雄市"] = "07",
    };

    private static readonly Dictionary<string, string> s_regionByCity = new()
    {
        ["臺北市"] = "north", ["新北市"] = "north", ["基隆市"] = "north", ["桃園市"] = "taoyuan-hsinchu",
        ["新竹市"] = "taoyuan-hsinchu", ["新竹縣"] = "taoyuan-hsinchu", ["臺中市"] = "central", ["臺南市"] = "south",
        ["高雄市"] = "south",
    };

    private static DemoDataSet Data => s_data.Value;

    [Fact]
    public void SeededPrices_InitialSchema_MatchOpeningPriceList()
    {
        var prices = s_seededPrices.ToDictionary(price => price.SizeKg, price => price.PriceNtd);

        Assert.Equal(260, prices[4]);
        Assert.Equal(480, prices[10]);
        Assert.Equal(720, prices[16]);
        Assert.Equal(880, prices[20]);
        Assert.Equal(2150, prices[50]);
        Assert.All(s_seededPrices, price => Assert.Equal(new DateOnly(2026, 1, 1), price.EffectiveFrom));
    }

    [Fact]
    public void Generate_SameSeed_ReturnsIdenticalData()
    {
        var first = Serialize(Generate(42));
        var second = Serialize(Generate(42));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DifferentSeeds_ReturnDifferentData()
    {
        var first = Generate(1);
        var second = Generate(2);

        Assert.NotEqual(Serialize(first), Serialize(second));
        Assert.NotEqual(first.Customers.Select(customer => customer.Name), second.Customers.Select(customer => customer.Name));
        Assert.Equal(1, first.Seed);
        Assert.Equal(2, second.Seed);
    }

    [Fact]
    public void Generate_DefaultOptions_HasExpectedCounts()
    {
        var orders = Data.Orders.ToList();

        Assert.Equal(300, Data.Customers.Count);
        Assert.Equal(12, Data.Drivers.Count);
        Assert.Equal(210, Data.Customers.Count(customer => customer.Kind == CustomerKind.Household));
        Assert.Equal(75, Data.Customers.Count(customer => customer.Kind == CustomerKind.Restaurant));
        Assert.Equal(15, Data.Customers.Count(customer => customer.Kind == CustomerKind.Factory));
        Assert.InRange(orders.Count, 4_500, 8_000);
        Assert.InRange(Data.Deliveries.Count(), 4_300, 8_000);
    }

    [Fact]
    public void Generate_SmallOptions_ScalesCountsAndHistory()
    {
        var options = new DemoDataOptions { CustomerCount = 20, DriverCount = 4, HistoryDays = 90 };
        var data = new DemoDataGenerator(s_seededPrices, options).Generate(new FixedClock(s_now), seed: 7);
        var historyStart = TaipeiInstant(s_today.AddDays(-90 - 5));

        Assert.Equal(20, data.Customers.Count);
        Assert.Equal(14, data.Customers.Count(customer => customer.Kind == CustomerKind.Household));
        Assert.Equal(5, data.Customers.Count(customer => customer.Kind == CustomerKind.Restaurant));
        Assert.Equal(1, data.Customers.Count(customer => customer.Kind == CustomerKind.Factory));
        Assert.Equal(4, data.Drivers.Count);
        Assert.NotEmpty(data.Orders);
        Assert.All(data.Orders, order => Assert.InRange(order.CreatedAt, historyStart, s_now));
    }

    [Fact]
    public void Generate_TooFewDrivers_Throws()
    {
        var options = new DemoDataOptions { DriverCount = 3 };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new DemoDataGenerator(s_seededPrices, options));

        Assert.Contains("DriverCount", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_MissingPrice_ThrowsArgumentException()
    {
        var prices = s_seededPrices.Where(price => price.SizeKg != 50).ToList();

        var exception = Assert.Throws<ArgumentException>(() => new DemoDataGenerator(prices));

        Assert.Contains("50 kg", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Customers_LiveMostlyInLargestCities()
    {
        var inLargest = Data.Customers.Count(customer => s_largestCities.Contains(customer.City));

        Assert.InRange(inLargest / (double)Data.Customers.Count, 0.8, 0.97);
        Assert.All(Data.Customers, customer => Assert.Contains(customer.City, TaiwanDistricts.DistrictsByCity.Keys));
        Assert.All(s_largestCities, city => Assert.Contains(Data.Customers, customer => customer.City == city));
    }

    [Fact]
    public void Generate_EveryCustomerPhone_ParsesInDisplayForm()
    {
        foreach (var customer in Data.Customers)
        {
            Assert.True(TaiwanPhoneNumber.TryParse(customer.Phone, out var phone, out var error), $"{customer.Phone}: {error}");
            Assert.Equal(phone.DisplayForm, customer.Phone);
            if (customer.Kind == CustomerKind.Household)
            {
                Assert.Equal(TaiwanPhoneNumberKind.Mobile, phone.Kind);
            }
            else
            {
                Assert.Equal(TaiwanPhoneNumberKind.Landline, phone.Kind);
                Assert.Equal(s_areaCodeByCity[customer.City], phone.AreaCode!.Code);
            }
        }
    }

    [Fact]
    public void Generate_DriverPhones_AreMobile()
    {
        foreach (var driver in Data.Drivers)
        {
            Assert.True(TaiwanPhoneNumber.TryParse(driver.Phone, out var phone, out var error), $"{driver.Phone}: {error}");
            Assert.Equal(phone.DisplayForm, driver.Phone);
            Assert.Equal(TaiwanPhoneNumberKind.Mobile, phone.Kind);
        }
    }

    [Fact]
    public void Generate_Phones_AreUnique()
    {
        var phones = Data.Customers.Select(customer => customer.Phone).Concat(Data.Drivers.Select(driver => driver.Phone)).ToList();

        Assert.Equal(phones.Count, phones.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Generate_EveryAddress_PassesTaiwanAddressValidation()
    {
        foreach (var customer in Data.Customers)
        {
            var valid = TaiwanAddress.TryCreate(customer.City, customer.District, customer.Street, out var address, out var errors);

            Assert.True(valid, string.Join("; ", errors.Select(error => error.Message)));
            Assert.Equal(address!.City, customer.City);
            Assert.Equal(address.District, customer.District);
            Assert.Equal(address.Street, customer.Street);
        }
    }

    [Fact]
    public void Generate_Streets_ReadLikeTaiwaneseStreetAddresses()
    {
        Assert.All(Data.Customers, customer => Assert.Matches(StreetPattern(), customer.Street));
        Assert.Contains(Data.Customers, customer => customer.Street.Contains('段', StringComparison.Ordinal));
        Assert.Contains(Data.Customers, customer => customer.Street.Contains('巷', StringComparison.Ordinal));
        Assert.Contains(Data.Customers, customer => customer.Street.EndsWith(" 樓", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_Names_AreUniqueTraditionalChinese()
    {
        var names = Data.Customers.Select(customer => customer.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Data.Customers, customer => Assert.Matches(ChineseTextPattern(), customer.Name));
        Assert.All(Data.Drivers, driver => Assert.Matches(ChineseTextPattern(), driver.Name));
        Assert.All(Data.Customers.Where(customer => customer.Kind == CustomerKind.Household),
            customer => Assert.InRange(customer.Name.Length, 2, 3));
        Assert.All(Data.Customers.Where(customer => customer.Kind == CustomerKind.Factory),
            customer => Assert.True(customer.Name.EndsWith("公司", StringComparison.Ordinal)
                || customer.Name.EndsWith("工廠", StringComparison.Ordinal), customer.Name));
    }

    [Fact]
    public void Generate_OrderTotals_MatchSeededPrices()
    {
        var prices = s_seededPrices.ToDictionary(price => price.SizeKg, price => price.PriceNtd);

        foreach (var order in Data.Orders)
        {
            Assert.NotEmpty(order.Lines);
            Assert.Equal(order.Lines.Count, order.Lines.Select(line => line.SizeKg).Distinct().Count());
            Assert.All(order.Lines, line => Assert.Equal(prices[line.SizeKg], line.UnitPriceNtd));
            Assert.All(order.Lines, line => Assert.InRange(line.Quantity, 1, OrderService.MaxQuantity));
            Assert.Equal(order.Lines.Sum(line => line.UnitPriceNtd * line.Quantity), order.TotalNtd);
            Assert.Equal(DemoDataGenerator.CreatedBy, order.CreatedBy);
        }
    }

    [Fact]
    public void Generate_PriceChange_AppliesFromItsEffectiveDay()
    {
        var changeDay = s_today.AddDays(-100);
        List<CylinderPrice> prices =
        [
            .. s_seededPrices,
            new CylinderPrice { Id = 6, SizeKg = 20, PriceNtd = 900, EffectiveFrom = changeDay },
        ];
        var data = new DemoDataGenerator(prices).Generate(new FixedClock(s_now), DemoDataGenerator.DefaultSeed);
        var lines = data.Orders
            .SelectMany(order => order.Lines.Select(line => (Day: TaipeiDay(order.CreatedAt), line)))
            .Where(item => item.line.SizeKg == 20)
            .ToList();

        Assert.All(lines.Where(item => item.Day < changeDay), item => Assert.Equal(880, item.line.UnitPriceNtd));
        Assert.All(lines.Where(item => item.Day >= changeDay), item => Assert.Equal(900, item.line.UnitPriceNtd));
        Assert.Contains(lines, item => item.Day >= changeDay);
    }

    [Theory]
    [InlineData(OrderStatus.Pending, false, false)]
    [InlineData(OrderStatus.Cancelled, false, false)]
    [InlineData(OrderStatus.Scheduled, true, false)]
    [InlineData(OrderStatus.OutForDelivery, true, false)]
    [InlineData(OrderStatus.Delivered, true, true)]
    public void Generate_Deliveries_MatchOrderStatus(OrderStatus status, bool assigned, bool delivered)
    {
        var orders = Data.Orders.Where(order => order.Status == status).ToList();

        Assert.NotEmpty(orders);
        Assert.All(orders, order => Assert.Equal(assigned, order.Delivery is not null));
        Assert.All(orders, order => Assert.Equal(delivered, order.Delivery?.DeliveredAt is not null));
    }

    [Fact]
    public void Generate_Deliveries_HaveActiveRegionDriverWhenOpen()
    {
        var open = Data.Orders.Where(order => order.Status is OrderStatus.Scheduled or OrderStatus.OutForDelivery);

        Assert.All(Data.Deliveries, delivery => Assert.Contains(delivery.Driver!, Data.Drivers));
        Assert.All(open, order => Assert.True(order.Delivery!.Driver!.Active, order.Delivery.Driver.Name));
        Assert.All(open, order => Assert.Null(order.Delivery!.Rating));
    }

    [Fact]
    public void Generate_AssignedAt_FallsBeforeWindow()
    {
        foreach (var order in Data.Orders.Where(order => order.Delivery is not null))
        {
            var assignedAt = order.Delivery!.AssignedAt;
            Assert.True(order.CreatedAt < assignedAt, $"order placed at {order.CreatedAt:O}, assigned at {assignedAt:O}");
            Assert.True(assignedAt < order.WindowStart, $"assigned at {assignedAt:O} for {order.WindowStart:O}");
            Assert.True(assignedAt <= s_now, $"assigned at {assignedAt:O}");
        }
    }

    [Fact]
    public void Generate_DeliveredAt_FallsInsideWindow()
    {
        foreach (var order in Data.Orders.Where(order => order.Status == OrderStatus.Delivered))
        {
            var deliveredAt = order.Delivery!.DeliveredAt!.Value;
            Assert.InRange(deliveredAt, order.WindowStart, order.WindowEnd);
            Assert.True(deliveredAt <= s_now, $"delivered at {deliveredAt:O}");
            Assert.Equal(deliveredAt, order.UpdatedAt);
        }
    }

    [Fact]
    public void Generate_Ratings_MostlyHigh()
    {
        var deliveries = Data.Deliveries.ToList();
        var rated = deliveries.Where(delivery => delivery.Rating is not null).ToList();

        Assert.All(rated, delivery => Assert.InRange(delivery.Rating!.Value, 1, 5));
        Assert.InRange(rated.Count / (double)deliveries.Count, 0.5, 0.7);
        Assert.InRange(rated.Count(delivery => delivery.Rating >= 4) / (double)rated.Count, 0.75, 0.97);
        Assert.Contains(rated, delivery => delivery.Rating <= 2);
        Assert.Contains(rated, delivery => delivery.RatingComment is not null);
    }

    [Fact]
    public void Generate_RatingFields_AreConsistent()
    {
        foreach (var delivery in Data.Deliveries)
        {
            Assert.Equal(delivery.Rating is not null, delivery.RatedAt is not null);
            if (delivery.Rating is null)
            {
                Assert.Null(delivery.RatingComment);
                continue;
            }

            Assert.InRange(delivery.RatedAt!.Value, delivery.DeliveredAt!.Value, s_now);
            Assert.True(delivery.RatingComment is null || delivery.RatingComment.Length <= 500);
        }
    }

    [Fact]
    public void Generate_CancelledOrders_AreAboutThreePercent()
    {
        var orders = Data.Orders.ToList();
        var cancelled = orders.Where(order => order.Status == OrderStatus.Cancelled).ToList();

        Assert.InRange(cancelled.Count / (double)orders.Count, 0.015, 0.05);
        Assert.All(cancelled, order => Assert.InRange(order.UpdatedAt, order.CreatedAt, order.WindowStart));
        Assert.All(cancelled, order => Assert.True(order.UpdatedAt <= s_now, $"cancelled at {order.UpdatedAt:O}"));
    }

    [Fact]
    public void Generate_PastOrders_AreDeliveredOrCancelled()
    {
        var past = Data.Orders.Where(order => order.WindowEnd <= s_now).ToList();

        Assert.All(past, order => Assert.Contains(order.Status, new[] { OrderStatus.Delivered, OrderStatus.Cancelled }));
    }

    [Fact]
    public void Generate_RecentOrders_AreOpen()
    {
        var open = Data.Orders
            .Where(order => order.Status is OrderStatus.Pending or OrderStatus.Scheduled or OrderStatus.OutForDelivery)
            .ToList();

        Assert.Contains(open, order => order.Status == OrderStatus.Pending);
        Assert.Contains(open, order => order.Status == OrderStatus.Scheduled);
        Assert.Contains(open, order => order.Status == OrderStatus.OutForDelivery);
        Assert.All(open, order => Assert.True(order.WindowEnd > s_now, $"open order's window ended at {order.WindowEnd:O}"));
        Assert.All(open.Where(order => order.Status == OrderStatus.OutForDelivery),
            order => Assert.True(order.WindowStart <= s_now, $"window starts at {order.WindowStart:O}"));
        Assert.All(open.Where(order => order.Status == OrderStatus.Pending),
            order => Assert.True(order.WindowStart > s_now, $"window started at {order.WindowStart:O}"));
        Assert.All(open, order => Assert.InRange(order.UpdatedAt, order.CreatedAt, s_now));
    }

    [Fact]
    public void Generate_OrderTimes_FallWithinHistory()
    {
        var earliest = TaipeiInstant(s_today.AddDays(-365 - 5));

        Assert.All(Data.Orders, order => Assert.InRange(order.CreatedAt, earliest, s_now));
        Assert.All(Data.Orders, order => Assert.True(order.WindowEnd > order.WindowStart));
        Assert.All(Data.Orders, order => Assert.True(order.WindowEnd - order.WindowStart <= TimeSpan.FromDays(7)));
        Assert.All(Data.Orders, order => Assert.Equal(TimeSpan.Zero, order.CreatedAt.Offset));
    }

    [Fact]
    public void Generate_Customers_CreatedBeforeTheirFirstOrder()
    {
        foreach (var customer in Data.Customers)
        {
            Assert.Equal(customer.CreatedAt, customer.UpdatedAt);
            if (customer.Orders.Count > 0)
            {
                Assert.True(customer.CreatedAt < customer.Orders.Min(order => order.CreatedAt), customer.Name);
            }

            var orderedSizes = customer.Orders.SelectMany(order => order.Lines).Select(line => line.SizeKg).Distinct();
            Assert.All(orderedSizes, size => Assert.Contains(size, customer.CylinderSizes));
        }
    }

    [Fact]
    public void Generate_OrderQuantities_MatchCustomerKind()
    {
        foreach (var customer in Data.Customers)
        {
            foreach (var order in customer.Orders)
            {
                var kilograms = order.Lines.Sum(line => line.SizeKg * line.Quantity);
                switch (customer.Kind)
                {
                    case CustomerKind.Household:
                        Assert.Equal(20, Assert.Single(order.Lines).SizeKg);
                        Assert.Equal(1, order.Lines[0].Quantity);
                        break;
                    case CustomerKind.Restaurant:
                        Assert.InRange(kilograms, 20, 7 * 20 + 5 * 50);
                        break;
                    default:
                        Assert.Equal(50, Assert.Single(order.Lines).SizeKg);
                        Assert.InRange(order.Lines[0].Quantity, 4, 12);
                        break;
                }
            }
        }
    }

    [Fact]
    public void Generate_DeliveryIntervals_MatchCustomerKind()
    {
        var households = new List<double>();
        foreach (var customer in Data.Customers)
        {
            var days = DeliveryDays(customer);
            if (days.Count < 3)
            {
                continue;
            }

            var meanInterval = (days[^1].DayNumber - days[0].DayNumber) / (double)(days.Count - 1);
            switch (customer.Kind)
            {
                case CustomerKind.Household:
                    Assert.InRange(meanInterval, 22, 66);
                    households.Add(meanInterval);
                    break;
                case CustomerKind.Restaurant:
                    Assert.InRange(meanInterval, 4, 15);
                    break;
                default:
                    Assert.InRange(meanInterval, 6.5, 7.5);
                    break;
            }
        }

        // Each household has its own rate, so the mean intervals spread over most of 25 to 60 days.
        Assert.True(households.Max() - households.Min() >= 25, $"household intervals from {households.Min()} to {households.Max()}");
    }

    [Theory]
    [InlineData(CustomerKind.Household)]
    [InlineData(CustomerKind.Restaurant)]
    public void Generate_DeliveryHistory_RefillPredictorBeatsBaseline(CustomerKind kind)
    {
        var histories = Data.Customers.Where(customer => customer.Kind == kind).Select(PastDeliveries);

        var backtest = RefillPredictor.Backtest(histories);

        Assert.True(backtest.PredictionCount > 100, $"{kind}: {backtest.PredictionCount} predictions");
        Assert.True(backtest.PredictorMeanAbsoluteErrorDays < backtest.BaselineMeanAbsoluteErrorDays,
            $"{kind}: predictor {backtest.PredictorMeanAbsoluteErrorDays} days, baseline {backtest.BaselineMeanAbsoluteErrorDays} days");
        Assert.True(backtest.ShareWithinTolerance >= 0.8, $"{kind}: {backtest.ShareWithinTolerance} within tolerance");
    }

    // A standing weekly order repeats its interval, so the baseline that repeats the last interval is as good as
    // the predictor there. This test therefore checks only that the errors are small.
    [Fact]
    public void Generate_FactoryHistory_RefillPredictorWithinOneDay()
    {
        var histories = Data.Customers.Where(customer => customer.Kind == CustomerKind.Factory).Select(PastDeliveries);

        var backtest = RefillPredictor.Backtest(histories);

        Assert.True(backtest.PredictionCount > 100, $"{backtest.PredictionCount} predictions");
        Assert.True(backtest.PredictorMeanAbsoluteErrorDays < 1, $"predictor {backtest.PredictorMeanAbsoluteErrorDays} days");
        Assert.True(backtest.ShareWithinTolerance >= 0.8, $"{backtest.ShareWithinTolerance} within tolerance");
    }

    [Fact]
    public void Generate_Drivers_DeliverOnlyInTheirRegion()
    {
        var regionsByDriver = Data.Customers
            .SelectMany(customer => customer.Orders
                .Where(order => order.Delivery is not null)
                .Select(order => (order.Delivery!.Driver!, Region: s_regionByCity[customer.City])))
            .GroupBy(item => item.Item1, item => item.Region)
            .ToDictionary(group => group.Key, group => group.Distinct().ToList());

        Assert.All(regionsByDriver, pair => Assert.Single(pair.Value));
        Assert.Equal(Data.Drivers.Count, regionsByDriver.Count);
        Assert.Single(Data.Drivers, driver => !driver.Active);
    }

    [Fact]
    public void Generate_InactiveDriver_HasNoRecentDeliveries()
    {
        var inactive = Data.Drivers.Single(driver => !driver.Active);
        var lastDelivery = Data.Deliveries.Where(delivery => delivery.Driver == inactive).Max(delivery => delivery.AssignedAt);

        Assert.True(lastDelivery < s_now - TimeSpan.FromDays(80), $"last delivery at {lastDelivery:O}");
    }

    private static DemoDataSet Generate(int seed) =>
        new DemoDataGenerator(s_seededPrices).Generate(new FixedClock(s_now), seed);

    private static List<DateOnly> DeliveryDays(Customer customer) =>
        customer.Orders
            .Where(order => order.Status == OrderStatus.Delivered)
            .Select(order => TaipeiDay(order.Delivery!.DeliveredAt!.Value))
            .Distinct()
            .Order()
            .ToList();

    private static IEnumerable<PastDelivery> PastDeliveries(Customer customer) =>
        customer.Orders
            .Where(order => order.Status == OrderStatus.Delivered)
            .Select(order => new PastDelivery(order.Delivery!.DeliveredAt!.Value, order.Lines.Sum(line => line.SizeKg * line.Quantity)));

    private static DateOnly TaipeiDay(DateTimeOffset instant) => RefillPredictor.ToTaipeiDate(instant);

    private static DateTimeOffset TaipeiInstant(DateOnly day) =>
        new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

    private static string Serialize(DemoDataSet data) =>
        JsonSerializer.Serialize(new { data.Drivers, data.Customers });

    /// <summary>Reads the cylinder prices that the model seeds, without a database.</summary>
    private static List<CylinderPrice> ReadSeededPrices()
    {
        var options = new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql("Host=127.0.0.1")
            .UseSnakeCaseNamingConvention()
            .Options;
        using var database = new WriteDbContext(options);
        var entityType = database.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(CylinderPrice))!;
        return entityType.GetSeedData()
            .Select(row => new CylinderPrice
            {
                Id = (long)row[nameof(CylinderPrice.Id)]!,
                SizeKg = (int)row[nameof(CylinderPrice.SizeKg)]!,
                PriceNtd = (int)row[nameof(CylinderPrice.PriceNtd)]!,
                EffectiveFrom = (DateOnly)row[nameof(CylinderPrice.EffectiveFrom)]!,
            })
            .ToList();
    }

    // A road or street, an optional section, lane and alley, the number, and an optional floor: 中山路二段 45 號.
    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}+(路|街)([一二三四五]段)?( \d+ 巷)?( \d+ 弄)? \d+ 號( \d+ 樓)?$")]
    private static partial Regex StreetPattern();

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}+$")]
    private static partial Regex ChineseTextPattern();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
