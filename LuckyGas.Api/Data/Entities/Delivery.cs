namespace LuckyGas.Api.Data.Entities;

/// <summary>The delivery of one order by one driver, and the customer's rating of it.</summary>
public sealed class Delivery
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public Order? Order { get; set; }

    public long DriverId { get; set; }

    public Driver? Driver { get; set; }

    public DateTimeOffset AssignedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>The customer's rating from 1 to 5, once given.</summary>
    public int? Rating { get; set; }

    public string? RatingComment { get; set; }

    public DateTimeOffset? RatedAt { get; set; }
}
