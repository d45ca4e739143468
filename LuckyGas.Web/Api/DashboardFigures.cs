using System.Globalization;
using LuckyGas.Web.Localization;

namespace LuckyGas.Web.Api;

/// <summary>The dashboard's figures, computed from the API's order, delivery and prediction lists.</summary>
public sealed record DashboardFigures(
    IReadOnlyDictionary<OrderStatus, int> TodayByStatus,
    long RevenueWeekNtd,
    long RevenueMonthNtd,
    double? AverageRating,
    int RatingsCount,
    IReadOnlyList<DriverDeliveries> DeliveriesPerDriver,
    int? CustomersDueIn7Days,
    IReadOnlyList<DayCount> OrdersPerDay,
    IReadOnlyList<MonthRevenue> RevenuePerMonth,
    IReadOnlyList<OrderDto> Unassigned,
    IReadOnlyList<DeliveryDto> OwnDeliveries);

/// <summary>How many deliveries one driver has.</summary>
public sealed record DriverDeliveries(string Driver, int Deliveries);

/// <summary>How many orders were created on one Asia/Taipei day.</summary>
public sealed record DayCount(DateOnly Day, int Orders);

/// <summary>Revenue of delivered orders created in one Asia/Taipei month.</summary>
public sealed record MonthRevenue(DateOnly Month, long RevenueNtd);

/// <summary>Loads the dashboard figures for the signed-in user's role.</summary>
/// <remarks>
/// Revenue counts delivered orders by their creation day, which is the day the order list can
/// filter on. Lists are read in pages of 100, and at most <see cref="MaxPages"/> pages per figure.
/// </remarks>
public sealed class DashboardLoader(StaffApiClient api, TimeProvider clock)
{
    /// <summary>The most pages of 100 read for one figure, so a busy year cannot stall the page.</summary>
    public const int MaxPages = 30;

    /// <summary>The number of months in the revenue chart.</summary>
    public const int RevenueMonths = 6;

    /// <summary>Loads every figure the role may see; returns the first failure instead when a call fails.</summary>
    public async Task<ApiResult<DashboardFigures>> LoadAsync(bool canDispatch, CancellationToken cancellationToken)
    {
        var today = Formats.TaipeiToday(clock);
        var byStatus = new Dictionary<OrderStatus, int>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            var count = await CountOrdersAsync(status, today, today.AddDays(1), cancellationToken);
            if (!count.IsSuccess)
            {
                return Fail(count);
            }

            byStatus[status] = count.Value;
        }

        if (!canDispatch)
        {
            var own = await api.GetAsync<PageDto<DeliveryDto>>("/api/v1/deliveries?pageSize=100", cancellationToken);
            return own.IsSuccess
                ? ApiResult<DashboardFigures>.Ok(new DashboardFigures(
                    byStatus, 0, 0, null, 0, [], null, [], [], [], own.Value!.Items))
                : Fail(own);
        }

        return await LoadForDispatchAsync(today, byStatus, cancellationToken);
    }

    private async Task<ApiResult<DashboardFigures>> LoadForDispatchAsync(
        DateOnly today, Dictionary<OrderStatus, int> byStatus, CancellationToken cancellationToken)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var chartStart = monthStart.AddMonths(-(RevenueMonths - 1));

        // The month's own list keeps its revenue exact even when six months exceed the page cap.
        var deliveredThisMonth = await ListOrdersAsync(OrderStatus.Delivered, monthStart, today.AddDays(1), cancellationToken);
        if (!deliveredThisMonth.IsSuccess)
        {
            return Fail(deliveredThisMonth);
        }

        var delivered = await ListOrdersAsync(OrderStatus.Delivered, chartStart, monthStart, cancellationToken);
        if (!delivered.IsSuccess)
        {
            return Fail(delivered);
        }

        var deliveredInChart = delivered.Value!.Concat(deliveredThisMonth.Value!).ToList();

        var recent = await ListOrdersAsync(null, today.AddDays(-29), today.AddDays(1), cancellationToken);
        if (!recent.IsSuccess)
        {
            return Fail(recent);
        }

        var unassigned = await api.GetAsync<PageDto<OrderDto>>("/api/v1/orders?status=Pending&pageSize=10", cancellationToken);
        var drivers = await api.GetAsync<PageDto<DriverDto>>("/api/v1/drivers?active=true", cancellationToken);
        var due = await api.GetAsync<List<PredictionDto>>("/api/v1/predictions/due?days=7", cancellationToken);
        var ratings = await ListDeliveredAsync(cancellationToken);
        if (!unassigned.IsSuccess || !drivers.IsSuccess || !due.IsSuccess || !ratings.IsSuccess)
        {
            return Fail(new[] { OutcomeOf(unassigned), OutcomeOf(drivers), OutcomeOf(due), OutcomeOf(ratings) }
                .First(outcome => outcome.Failure != ApiFailure.None));
        }

        var perDriver = new List<DriverDeliveries>();
        foreach (var driver in drivers.Value!.Items)
        {
            var count = await api.GetAsync<PageDto<DeliveryDto>>(
                $"/api/v1/deliveries?driverId={driver.Id}&pageSize=1", cancellationToken);
            if (!count.IsSuccess)
            {
                return Fail(count);
            }

            perDriver.Add(new DriverDeliveries(driver.Name, count.Value!.Total));
        }

        var rated = ratings.Value!.Where(delivery => delivery.Rating is not null).ToList();
        return ApiResult<DashboardFigures>.Ok(new DashboardFigures(
            byStatus,
            RevenueSince(deliveredInChart, weekStart),
            RevenueSince(deliveredThisMonth.Value!, monthStart),
            rated.Count == 0 ? null : rated.Average(delivery => delivery.Rating!.Value),
            rated.Count,
            perDriver,
            due.Value!.Count,
            OrdersPerDay(recent.Value!, today),
            RevenuePerMonth(deliveredInChart, chartStart),
            unassigned.Value!.Items,
            []));
    }

    private async Task<ApiResult<int>> CountOrdersAsync(
        OrderStatus status, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var page = await api.GetAsync<PageDto<OrderDto>>(
            $"/api/v1/orders?status={status}&from={Query(from)}&to={Query(to)}&pageSize=1", cancellationToken);
        return page.IsSuccess ? ApiResult<int>.Ok(page.Value!.Total) : ApiResult<int>.Failed(page.Failure, page.Problem);
    }

    private async Task<ApiResult<List<OrderDto>>> ListOrdersAsync(
        OrderStatus? status, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var filter = status is null ? "" : $"status={status}&";
        var orders = new List<OrderDto>();
        for (var pageNumber = 1; pageNumber <= MaxPages; pageNumber++)
        {
            var page = await api.GetAsync<PageDto<OrderDto>>(
                $"/api/v1/orders?{filter}from={Query(from)}&to={Query(to)}&page={pageNumber}&pageSize=100",
                cancellationToken);
            if (!page.IsSuccess)
            {
                return ApiResult<List<OrderDto>>.Failed(page.Failure, page.Problem);
            }

            orders.AddRange(page.Value!.Items);
            if (orders.Count >= page.Value.Total || page.Value.Items.Count == 0)
            {
                break;
            }
        }

        return ApiResult<List<OrderDto>>.Ok(orders);
    }

    private async Task<ApiResult<List<DeliveryDto>>> ListDeliveredAsync(CancellationToken cancellationToken)
    {
        var deliveries = new List<DeliveryDto>();
        for (var pageNumber = 1; pageNumber <= MaxPages; pageNumber++)
        {
            var page = await api.GetAsync<PageDto<DeliveryDto>>(
                $"/api/v1/deliveries?status=Delivered&page={pageNumber}&pageSize=100", cancellationToken);
            if (!page.IsSuccess)
            {
                return ApiResult<List<DeliveryDto>>.Failed(page.Failure, page.Problem);
            }

            deliveries.AddRange(page.Value!.Items);
            if (deliveries.Count >= page.Value.Total || page.Value.Items.Count == 0)
            {
                break;
            }
        }

        return ApiResult<List<DeliveryDto>>.Ok(deliveries);
    }

    private static long RevenueSince(List<OrderDto> delivered, DateOnly from) =>
        delivered.Where(order => DayOf(order.CreatedAt) >= from).Sum(order => (long)order.TotalNtd);

    private static List<DayCount> OrdersPerDay(List<OrderDto> orders, DateOnly today)
    {
        var counts = orders.GroupBy(order => DayOf(order.CreatedAt)).ToDictionary(group => group.Key, group => group.Count());
        return [.. Enumerable.Range(0, 30).Select(offset => today.AddDays(offset - 29))
            .Select(day => new DayCount(day, counts.GetValueOrDefault(day)))];
    }

    private static List<MonthRevenue> RevenuePerMonth(List<OrderDto> delivered, DateOnly firstMonth)
    {
        var sums = delivered
            .GroupBy(order => { var day = DayOf(order.CreatedAt); return new DateOnly(day.Year, day.Month, 1); })
            .ToDictionary(group => group.Key, group => group.Sum(order => (long)order.TotalNtd));
        return [.. Enumerable.Range(0, RevenueMonths).Select(offset => firstMonth.AddMonths(offset))
            .Select(month => new MonthRevenue(month, sums.GetValueOrDefault(month)))];
    }

    private static DateOnly DayOf(DateTimeOffset time) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, Formats.Taipei).DateTime);

    private static string Query(DateOnly day) =>
        Uri.EscapeDataString(Formats.StartOf(day).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));

    private static ApiResult<DashboardFigures> Fail<T>(ApiResult<T> result) =>
        ApiResult<DashboardFigures>.Failed(result.Failure, result.Problem);

    private static ApiResult<DashboardFigures> Fail(Outcome outcome) =>
        ApiResult<DashboardFigures>.Failed(outcome.Failure, outcome.Problem);

    private static Outcome OutcomeOf<T>(ApiResult<T> result) => new Outcome(result.Failure, result.Problem);

    private sealed record Outcome(ApiFailure Failure, ApiProblem? Problem);
}
