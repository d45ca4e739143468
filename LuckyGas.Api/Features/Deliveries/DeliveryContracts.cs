using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Deliveries;

/// <summary>The assignment of an order to a driver.</summary>
/// <param name="OrderId">A pending order.</param>
/// <param name="DriverId">An active driver.</param>
public sealed record AssignDeliveryRequest(long? OrderId, long? DriverId);

/// <summary>The customer's rating of a delivery.</summary>
/// <param name="Rating">From 1 (poor) to 5 (excellent).</param>
/// <param name="Comment">An optional comment, at most 500 characters.</param>
public sealed record RateDeliveryRequest(int? Rating, string? Comment);

/// <summary>A delivery as the API returns it.</summary>
public sealed record DeliveryResponse(
    long Id,
    long OrderId,
    long DriverId,
    OrderStatus OrderStatus,
    DateTimeOffset AssignedAt,
    DateTimeOffset? DeliveredAt,
    int? Rating,
    string? RatingComment)
{
    /// <summary>Maps a delivery with its order loaded.</summary>
    public static DeliveryResponse From(Delivery delivery) => new(
        delivery.Id, delivery.OrderId, delivery.DriverId, delivery.Order!.Status,
        delivery.AssignedAt, delivery.DeliveredAt, delivery.Rating, delivery.RatingComment);
}
