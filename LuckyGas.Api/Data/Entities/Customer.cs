namespace LuckyGas.Api.Data.Entities;

/// <summary>The kind of business or home a customer is, which shapes its consumption.</summary>
public enum CustomerKind
{
    Household,
    Restaurant,
    Factory,
}

/// <summary>A customer that orders cylinders.</summary>
public sealed class Customer
{
    public long Id { get; set; }

    public CustomerKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>The phone number in its canonical display form, such as <c>0912-345-678</c>.</summary>
    public required string Phone { get; set; }

    public required string City { get; set; }

    public required string District { get; set; }

    public required string Street { get; set; }

    /// <summary>The cylinder sizes the customer uses, in kilograms.</summary>
    public int[] CylinderSizes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<Order> Orders { get; } = [];
}
