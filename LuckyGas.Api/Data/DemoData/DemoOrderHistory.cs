using Bogus;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>
/// Builds the orders of one demo customer from its <see cref="DemoConsumption"/>, with the statuses, deliveries and
/// ratings they have at <c>now</c>.
/// </summary>
/// <remarks>
/// <para>
/// The history steps from delivery day to delivery day. A customer who orders when low gets the next delivery after
/// the kilograms of the last one divided by its daily use, times a random factor around 1. The refill predictor
/// assumes exactly this, so its predictions work on the demo data. A factory gets a standing delivery on the same
/// weekday every week, moved by a day in one week of ten.
/// </para>
/// <para>
/// Each order then moves as <c>DeliveryService</c> would move it, as far as it got by <c>now</c>. A dispatcher assigns
/// it to a driver of the customer's region, which creates its delivery and makes it Scheduled. The driver departs at
/// the window start (OutForDelivery) and delivers within the window (Delivered), and most customers rate the delivery.
/// Before about 3% of refills, the customer placed an order for a day one to three days earlier and cancelled it
/// before it was assigned.
/// </para>
/// </remarks>
internal sealed class DemoOrderHistory(Faker faker, DemoPriceList prices, DemoDriverRoster drivers, DateTimeOffset now)
{
    /// <summary>Start of the dispatchers' shift in Asia/Taipei, when evening orders get scheduled.</summary>
    public static readonly TimeSpan DispatchShiftStart = new(7, 30, 0);

    /// <summary>End of the dispatchers' shift in Asia/Taipei. Orders placed later wait for the next shift.</summary>
    public static readonly TimeSpan DispatchShiftEnd = new(19, 0, 0);

    /// <summary>Probability that a refill comes after a cancelled order.</summary>
    public const float CancelledOrderShare = 0.03f;

    /// <summary>Probability that a delivery gets a rating, unless the rating would come after <c>now</c>.</summary>
    public const float RatedShare = 0.62f;

    /// <summary>
    /// Adds the customer's orders, oldest first, from <paramref name="firstDay"/> until an order would be created after
    /// <c>now</c> or the delivery day passes <paramref name="lastDay"/>.
    /// </summary>
    /// <param name="customer">Customer whose <see cref="Customer.Orders"/> receive the orders.</param>
    /// <param name="consumption">The customer's gas use.</param>
    /// <param name="region">Delivery region of the customer's city.</param>
    /// <param name="firstDay">Asia/Taipei day of the first delivery.</param>
    /// <param name="lastDay">Last possible delivery day, earlier than the end of the history for a customer who left.</param>
    public void AddOrders(Customer customer, DemoConsumption consumption, DemoRegion region, DateOnly firstDay, DateOnly lastDay)
    {
        var day = firstDay;
        var weeklyDay = firstDay;
        while (day <= lastDay)
        {
            var lines = consumption.NextLines(faker);
            var order = CreateOrder(consumption.Kind, day, lines);
            if (order.CreatedAt > now)
            {
                break;
            }

            if (faker.Random.Bool(CancelledOrderShare))
            {
                var cancelled = CreateCancelledOrder(consumption.Kind, day.AddDays(-faker.Random.Number(1, 3)), lines);
                if (cancelled is not null)
                {
                    customer.Orders.Add(cancelled);
                }
            }

            SetProgress(order, region);
            customer.Orders.Add(order);

            if (consumption.WeeklyDeliveryDay is not null)
            {
                weeklyDay = weeklyDay.AddDays(7);
                day = weeklyDay.AddDays(faker.Random.Bool(0.1f) ? faker.PickRandom(-1, 1) : 0);
            }
            else
            {
                var kilograms = lines.Sum(line => line.SizeKg * line.Quantity);
                var days = kilograms / consumption.KilogramsPerDayOn(day) * DemoValues.Factor(faker, consumption.IntervalSpread);
                day = day.AddDays(Math.Max(1, (int)Math.Round(days, MidpointRounding.AwayFromZero)));
            }
        }
    }

    private Order CreateOrder(CustomerKind kind, DateOnly day, IReadOnlyList<DemoLine> lines)
    {
        var (windowStart, windowEnd) = DeliveryWindow(kind, day);
        var createdAt = OrderPlacedAt(kind, day, windowStart);
        var orderLines = lines
            .Select(line => new OrderLine
            {
                SizeKg = line.SizeKg,
                Quantity = line.Quantity,
                UnitPriceNtd = prices.PriceOn(line.SizeKg, DemoValues.TaipeiDay(createdAt)),
            })
            .ToList();

        return new Order
        {
            Status = OrderStatus.Pending,
            Lines = orderLines,
            TotalNtd = orderLines.Sum(line => line.UnitPriceNtd * line.Quantity),
            WindowStart = windowStart,
            WindowEnd = windowEnd,
            CreatedAt = createdAt,
            UpdatedAt = createdAt,
            CreatedBy = DemoDataGenerator.CreatedBy,
        };
    }

    /// <summary>
    /// Creates an order that the customer placed for <paramref name="day"/> and cancelled while it was still Pending,
    /// or returns null when the order or its cancellation would come after <c>now</c>.
    /// </summary>
    private Order? CreateCancelledOrder(CustomerKind kind, DateOnly day, IReadOnlyList<DemoLine> lines)
    {
        var order = CreateOrder(kind, day, lines);
        var wouldBeScheduledAt = SchedulingTime(order);
        var cancelledAt = DemoValues.WholeSeconds(
            order.CreatedAt + (wouldBeScheduledAt - order.CreatedAt) * faker.Random.Double(0.2, 0.9));
        if (cancelledAt > now)
        {
            return null;
        }

        order.Status = OrderStatus.Cancelled;
        order.UpdatedAt = cancelledAt;
        return order;
    }

    /// <summary>
    /// Moves the order as far along its lifecycle as it got by <c>now</c>, with the delivery that
    /// <c>DeliveryService</c> would have made: assigned to a driver of the region when scheduled, departed at the
    /// window start, delivered within the window, and perhaps rated.
    /// </summary>
    private void SetProgress(Order order, DemoRegion region)
    {
        var scheduledAt = SchedulingTime(order);
        if (scheduledAt > now)
        {
            return;
        }

        var driver = drivers.Choose(region, DemoValues.TaipeiDay(order.WindowStart));
        var delivery = new Delivery { Driver = driver.Driver, AssignedAt = scheduledAt };
        order.Delivery = delivery;
        order.Status = OrderStatus.Scheduled;
        order.UpdatedAt = scheduledAt;

        var departedAt = DemoValues.WholeSeconds(order.WindowStart + TimeSpan.FromMinutes(faker.Random.Double(0, 20)));
        if (departedAt > now)
        {
            return;
        }

        order.Status = OrderStatus.OutForDelivery;
        order.UpdatedAt = departedAt;

        var travel = TimeSpan.FromMinutes(10);
        var deliveredAt = DemoValues.WholeSeconds(
            departedAt + travel + (order.WindowEnd - departedAt - travel) * faker.Random.Double());
        if (deliveredAt > now)
        {
            return;
        }

        delivery.DeliveredAt = deliveredAt;
        order.Status = OrderStatus.Delivered;
        order.UpdatedAt = deliveredAt;
        if (faker.Random.Bool(RatedShare))
        {
            Rate(delivery, driver);
        }
    }

    /// <summary>
    /// Returns when a dispatcher assigned the order to a driver, which moves it from Pending to Scheduled. That is
    /// within two hours during the dispatch shift, or early in the next shift for an order placed in the evening. It
    /// is at least 15 minutes before the window starts, which leaves room because every order is placed at least two
    /// hours before its window.
    /// </summary>
    private DateTimeOffset SchedulingTime(Order order)
    {
        var candidate = order.CreatedAt + TimeSpan.FromMinutes(faker.Random.Double(10, 120));
        var local = TimeZoneInfo.ConvertTime(candidate, TaipeiTime.Zone);
        var shiftStartHours = DispatchShiftStart.TotalHours + faker.Random.Double(0, 0.5);
        if (local.TimeOfDay >= DispatchShiftEnd)
        {
            candidate = DemoValues.TaipeiInstant(DateOnly.FromDateTime(local.DateTime).AddDays(1), shiftStartHours);
        }
        else if (local.TimeOfDay < DispatchShiftStart)
        {
            candidate = DemoValues.TaipeiInstant(DateOnly.FromDateTime(local.DateTime), shiftStartHours);
        }

        var latest = order.WindowStart - TimeSpan.FromMinutes(15);
        var earliest = order.CreatedAt + TimeSpan.FromMinutes(1);
        var scheduledAt = candidate < latest ? candidate : latest;
        return DemoValues.WholeSeconds(scheduledAt > earliest ? scheduledAt : earliest);
    }

    /// <summary>Adds a rating, mostly 4 or 5 stars, unless it would come after <c>now</c>.</summary>
    private void Rate(Delivery delivery, DemoDriver driver)
    {
        // Most customers rate within a few hours of the delivery; the rest within two days.
        var delay = faker.Random.Bool(0.7f)
            ? TimeSpan.FromMinutes(faker.Random.Double(10, 240))
            : TimeSpan.FromHours(faker.Random.Double(4, 48));
        var ratedAt = DemoValues.WholeSeconds(delivery.DeliveredAt!.Value + delay);
        if (ratedAt > now)
        {
            return;
        }

        var draw = faker.Random.Double();
        var otherDraw = (draw - driver.FiveStarShare) / (1 - driver.FiveStarShare);
        var rating = draw < driver.FiveStarShare ? 5 : otherDraw switch
        {
            < 0.70 => 4,
            < 0.88 => 3,
            < 0.96 => 2,
            _ => 1,
        };

        var commentShare = rating switch
        {
            >= 4 => 0.2f,
            3 => 0.5f,
            _ => 0.8f,
        };

        delivery.Rating = rating;
        delivery.RatedAt = ratedAt;
        delivery.RatingComment = faker.Random.Bool(commentShare) ? DemoNames.RatingComment(faker, rating) : null;
    }

    /// <summary>
    /// Returns the delivery window of an order for <paramref name="day"/>: a three-hour slot for homes, a two-hour
    /// slot around lunch preparation for restaurants, and the morning for factories.
    /// </summary>
    private (DateTimeOffset Start, DateTimeOffset End) DeliveryWindow(CustomerKind kind, DateOnly day)
    {
        (int Start, int End)[] slots = kind switch
        {
            CustomerKind.Household => [(9, 12), (14, 17), (18, 21)],
            CustomerKind.Restaurant => [(8, 10), (9, 11), (14, 16)],
            _ => [(8, 12)],
        };
        var (start, end) = faker.PickRandom(slots);
        return (DemoValues.TaipeiInstant(day, start), DemoValues.TaipeiInstant(day, end));
    }

    /// <summary>
    /// Returns when the order for <paramref name="day"/> was placed. Households call that morning for an afternoon or
    /// evening slot, or one or two days ahead. Restaurants call the evening before, or that morning for an afternoon
    /// slot. Factories book their standing order two or three days ahead.
    /// </summary>
    private DateTimeOffset OrderPlacedAt(CustomerKind kind, DateOnly day, DateTimeOffset windowStart)
    {
        var afternoonSlot = windowStart >= DemoValues.TaipeiInstant(day, 13);
        var draw = faker.Random.Double();
        return kind switch
        {
            CustomerKind.Household when afternoonSlot && draw < 0.4 =>
                DemoValues.TaipeiInstant(day, faker.Random.Double(8, 11.5)),
            CustomerKind.Household when draw < 0.8 =>
                DemoValues.TaipeiInstant(day.AddDays(-1), faker.Random.Double(12, 21)),
            CustomerKind.Household => DemoValues.TaipeiInstant(day.AddDays(-2), faker.Random.Double(9, 21)),
            CustomerKind.Restaurant when afternoonSlot && draw < 0.5 =>
                DemoValues.TaipeiInstant(day, faker.Random.Double(7.5, 11)),
            CustomerKind.Restaurant => DemoValues.TaipeiInstant(day.AddDays(-1), faker.Random.Double(14, 22)),
            _ => DemoValues.TaipeiInstant(day.AddDays(-faker.Random.Number(2, 3)), faker.Random.Double(9, 17)),
        };
    }
}
