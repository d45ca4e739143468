namespace LuckyGas.Api.Data.Entities;

/// <summary>
/// Where an order is: <c>Pending → Scheduled → OutForDelivery → Delivered</c>, or
/// <c>Cancelled</c> from any state before <c>Delivered</c>.
/// </summary>
public enum OrderStatus
{
    Pending,
    Scheduled,
    OutForDelivery,
    Delivered,
    Cancelled,
}

/// <summary>An order for one or more cylinders, delivered within a requested window.</summary>
public sealed class Order
{
    public long Id { get; set; }

    public long CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public OrderStatus Status { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    /// <summary>The order total in whole New Taiwan dollars, from the prices on the order day.</summary>
    public int TotalNtd { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Who created the order: a staff user name or an API key name.</summary>
    public required string CreatedBy { get; set; }

    public Delivery? Delivery { get; set; }
}

/// <summary>One cylinder size and quantity of an order, with the unit price it was sold at.</summary>
public sealed class OrderLine
{
    public int SizeKg { get; set; }

    public int Quantity { get; set; }

    public int UnitPriceNtd { get; set; }
}
