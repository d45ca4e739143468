namespace LuckyGas.Api.Data.Entities;

/// <summary>A driver who delivers cylinders.</summary>
public sealed class Driver
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public required string Phone { get; set; }

    /// <summary>Whether the driver can be assigned new deliveries.</summary>
    public bool Active { get; set; } = true;

    /// <summary>The staff account the driver signs in with, if any.</summary>
    public string? UserName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
