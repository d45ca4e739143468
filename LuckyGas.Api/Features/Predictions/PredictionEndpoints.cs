using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Predictions;

/// <summary>A customer's refill prediction as the API returns it.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="HasPrediction">False when the history is too short to predict from.</param>
/// <param name="NextOrderDate">The expected Asia/Taipei day of the next order.</param>
/// <param name="Confidence">The estimated chance, from 0 to 1, that the order comes within 20% of the predicted interval.</param>
/// <param name="KilogramsPerDay">The estimated consumption.</param>
/// <param name="DeliveryDays">How many days with a delivery the prediction used.</param>
/// <param name="Message">Why there is no prediction, when there is none.</param>
public sealed record PredictionResponse(
    long CustomerId, bool HasPrediction, DateOnly? NextOrderDate, double? Confidence, double? KilogramsPerDay,
    int DeliveryDays, string? Message)
{
    /// <summary>Maps a predictor result.</summary>
    public static PredictionResponse From(long customerId, RefillPredictionResult result) => result switch
    {
        RefillPrediction prediction => new(customerId, true, prediction.NextOrderDate,
            Math.Round(prediction.Confidence, 2), Math.Round(prediction.KilogramsPerDay, 3), prediction.OrderDays, null),
        InsufficientRefillHistory insufficient => new(customerId, false, null, null, null, insufficient.OrderDays, insufficient.Message),
        _ => throw new InvalidOperationException($"Unexpected prediction result {result.GetType().Name}."),
    };
}

/// <summary>The <c>/api/v1/predictions</c> endpoints.</summary>
public static class PredictionEndpoints
{
    /// <summary>The furthest look-ahead of the due list, in days.</summary>
    public const int MaxDueDays = 90;

    /// <summary>Maps the prediction endpoints.</summary>
    public static RouteGroupBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var predictions = app.MapGroup("/api/v1/predictions").WithTags("Predictions");

        predictions.MapGet("/customers/{id:long}", GetForCustomerAsync).RequireAuthorization(Policies.Dispatch);
        predictions.MapGet("/due", ListDueAsync).RequireAuthorization(Policies.Dispatch)
            .WithName("ListDuePredictions")
            .WithEndpointClass(EndpointClass.Expensive);

        return predictions;
    }

    private static async Task<IResult> GetForCustomerAsync(long id, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        if (!await database.Customers.AnyAsync(customer => customer.Id == id, cancellationToken))
        {
            return Problems.NotFound("customer", id);
        }

        var histories = await LoadHistoriesAsync(database, id, cancellationToken);
        var history = histories.GetValueOrDefault(id) ?? [];
        return TypedResults.Ok(PredictionResponse.From(id, RefillPredictor.Predict(history)));
    }

    private static async Task<IResult> ListDueAsync(
        int? days, ConsistentReads reads, TimeProvider clock, CancellationToken cancellationToken)
    {
        var lookAhead = days ?? 7;
        if (lookAhead is < 0 or > MaxDueDays)
        {
            return new Validation().Add("days", $"days must be from 0 to {MaxDueDays}.").ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        var histories = await LoadHistoriesAsync(database, customerId: null, cancellationToken);
        var last = TaipeiTime.Today(clock).AddDays(lookAhead);
        var due = histories
            .Select(pair => PredictionResponse.From(pair.Key, RefillPredictor.Predict(pair.Value)))
            .Where(prediction => prediction.HasPrediction && prediction.NextOrderDate <= last)
            .OrderBy(prediction => prediction.NextOrderDate)
            .ToList();
        return TypedResults.Ok(due);
    }

    /// <summary>Loads delivered orders as (time, kilograms) per customer.</summary>
    internal static async Task<Dictionary<long, List<PastDelivery>>> LoadHistoriesAsync(
        LuckyGasDbContext database, long? customerId, CancellationToken cancellationToken)
    {
        var delivered = database.Orders.AsNoTracking()
            .Where(order => order.Status == OrderStatus.Delivered && order.Delivery!.DeliveredAt != null);
        if (customerId is { } id)
        {
            delivered = delivered.Where(order => order.CustomerId == id);
        }

        var rows = await delivered
            .Select(order => new { order.CustomerId, order.Lines, order.Delivery!.DeliveredAt })
            .ToListAsync(cancellationToken);
        return rows
            .GroupBy(row => row.CustomerId)
            .ToDictionary(group => group.Key, group => group
                .Select(row => new PastDelivery(row.DeliveredAt!.Value, row.Lines.Sum(line => (double)line.SizeKg * line.Quantity)))
                .ToList());
    }
}
