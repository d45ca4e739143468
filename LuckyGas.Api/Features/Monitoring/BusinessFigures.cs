using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Predictions;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>The business figures of one period, as <c>GET /api/v1/metrics/business</c> returns them.</summary>
/// <param name="Period">The period name.</param>
/// <param name="From">The start of the period, midnight in Asia/Taipei.</param>
/// <param name="To">The end of the period, the time of the request.</param>
/// <param name="OrdersCreated">Orders created in the period.</param>
/// <param name="OrdersByStatus">The current status of the orders created in the period, every status listed.</param>
/// <param name="OrdersDelivered">Orders whose delivery was completed in the period, whenever they were created.</param>
/// <param name="RevenueNtd">The total of the orders delivered in the period, in whole New Taiwan dollars.</param>
/// <param name="DeliveriesCompleted">Deliveries completed in the period.</param>
/// <param name="AverageDeliveryMinutes">
/// The mean time from assigning a driver to completion of the deliveries completed in the period,
/// or null when none was completed.
/// </param>
/// <param name="AverageRating">The mean of the ratings given in the period, or null when none was given.</param>
/// <param name="RatingsCount">Ratings given in the period.</param>
/// <param name="CustomersDueForRefill">
/// Customers whose predicted next order falls within the next 7 days, the same for every period.
/// </param>
public sealed record BusinessFiguresResponse(
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    long OrdersCreated,
    IReadOnlyDictionary<string, long> OrdersByStatus,
    long OrdersDelivered,
    long RevenueNtd,
    long DeliveriesCompleted,
    double? AverageDeliveryMinutes,
    double? AverageRating,
    long RatingsCount,
    long CustomersDueForRefill);

/// <summary>Computes business figures from the database.</summary>
public static class BusinessFigures
{
    /// <summary>How far ahead a predicted next order counts as due for refill, in days.</summary>
    public const int RefillLookAheadDays = 7;

    /// <summary>Computes the figures of <paramref name="period"/>.</summary>
    public static async Task<BusinessFiguresResponse> ComputeAsync(
        LuckyGasDbContext database, BusinessPeriod period, CancellationToken cancellationToken)
    {
        // Npgsql writes timestamptz parameters only with offset 0, and the period is in Asia/Taipei.
        var (from, to) = (period.From.ToUniversalTime(), period.To.ToUniversalTime());

        var created = await database.Orders.AsNoTracking()
            .Where(order => order.CreatedAt >= from && order.CreatedAt < to)
            .GroupBy(order => order.Status)
            .Select(group => new { Status = group.Key, Count = group.LongCount() })
            .ToListAsync(cancellationToken);
        var byStatus = Enum.GetValues<OrderStatus>().ToDictionary(
            status => status.ToString(),
            status => created.Where(row => row.Status == status).Sum(row => row.Count));

        var delivered = await database.Deliveries.AsNoTracking()
            .Where(delivery => delivery.DeliveredAt >= from && delivery.DeliveredAt < to)
            .Select(delivery => new { delivery.AssignedAt, DeliveredAt = delivery.DeliveredAt!.Value, delivery.Order!.TotalNtd })
            .ToListAsync(cancellationToken);

        var ratings = await database.Deliveries.AsNoTracking()
            .Where(delivery => delivery.Rating != null && delivery.RatedAt >= from && delivery.RatedAt < to)
            .Select(delivery => delivery.Rating!.Value)
            .ToListAsync(cancellationToken);

        return new BusinessFiguresResponse(
            period.Name,
            period.From,
            period.To,
            created.Sum(row => row.Count),
            byStatus,
            delivered.Count,
            delivered.Sum(row => (long)row.TotalNtd),
            delivered.Count,
            delivered.Count == 0 ? null : Math.Round(delivered.Average(row => (row.DeliveredAt - row.AssignedAt).TotalMinutes), 1),
            ratings.Count == 0 ? null : Math.Round(ratings.Average(), 2),
            ratings.Count,
            await CountDueForRefillAsync(database, to, cancellationToken));
    }

    /// <summary>Counts the customers whose predicted next order is at most 7 days after <paramref name="now"/>.</summary>
    public static async Task<long> CountDueForRefillAsync(
        LuckyGasDbContext database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var histories = await PredictionEndpoints.LoadHistoriesAsync(database, customerId: null, cancellationToken);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Infrastructure.TaipeiTime.Zone).DateTime)
            .AddDays(RefillLookAheadDays);
        return histories.Values
            .Select(RefillPredictor.Predict)
            .OfType<RefillPrediction>()
            .LongCount(prediction => prediction.NextOrderDate <= last);
    }

    /// <summary>Reads the figures behind the business gauges.</summary>
    public static async Task<BusinessGauges> MeasureGaugesAsync(
        LuckyGasDbContext database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byStatus = await database.Orders.AsNoTracking()
            .GroupBy(order => order.Status)
            .Select(group => new { Status = group.Key, Count = group.LongCount() })
            .ToDictionaryAsync(row => row.Status, row => row.Count, cancellationToken);

        var since = now.AddDays(-30);
        var average = await database.Deliveries.AsNoTracking()
            .Where(delivery => delivery.Rating != null && delivery.RatedAt >= since)
            .AverageAsync(delivery => (double?)delivery.Rating, cancellationToken);

        var due = await CountDueForRefillAsync(database, now, cancellationToken);
        return new BusinessGauges(true, byStatus, average, due);
    }
}
