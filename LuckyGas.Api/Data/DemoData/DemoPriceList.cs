using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Cylinder prices by size and day, from rows of the <c>cylinder_prices</c> table.</summary>
internal sealed class DemoPriceList
{
    private readonly Dictionary<int, CylinderPrice[]> _pricesBySize;

    /// <exception cref="ArgumentException">A cylinder size has no price.</exception>
    public DemoPriceList(IEnumerable<CylinderPrice> prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _pricesBySize = prices
            .GroupBy(price => price.SizeKg)
            .ToDictionary(group => group.Key, group => group.OrderBy(price => price.EffectiveFrom).ToArray());

        foreach (var size in CylinderSizes.All)
        {
            if (!_pricesBySize.ContainsKey(size.Kilograms()))
            {
                throw new ArgumentException(
                    $"prices has no price for {size.Kilograms()} kg cylinders. Pass the rows of the cylinder_prices "
                        + "table, which the InitialSchema migration fills for every size.",
                    nameof(prices));
            }
        }
    }

    /// <summary>
    /// Returns the price in NT$ of one <paramref name="sizeKg"/> cylinder on <paramref name="day"/>, as
    /// <c>OrderService</c> prices a new order: the row with the latest <see cref="CylinderPrice.EffectiveFrom"/> on or
    /// before the day.
    /// </summary>
    /// <remarks>
    /// NOTE: A history that starts before the opening price list (2026-01-01) has days without a price. Those days get
    /// the earliest price of the size, because the real prices of that time are not in the table.
    /// </remarks>
    public int PriceOn(int sizeKg, DateOnly day)
    {
        var prices = _pricesBySize[sizeKg];
        var price = prices[0];
        foreach (var candidate in prices)
        {
            if (candidate.EffectiveFrom <= day)
            {
                price = candidate;
            }
        }

        return price.PriceNtd;
    }
}
