namespace LuckyGas.Api.Data.Entities;

/// <summary>
/// The price of one cylinder size from a date on. A price change adds a row, so the history stays.
/// </summary>
public sealed class CylinderPrice
{
    public long Id { get; set; }

    /// <summary>The cylinder size in kilograms.</summary>
    public int SizeKg { get; set; }

    /// <summary>The price in whole New Taiwan dollars.</summary>
    public int PriceNtd { get; set; }

    /// <summary>The first Asia/Taipei day on which the price applies.</summary>
    public DateOnly EffectiveFrom { get; set; }
}
