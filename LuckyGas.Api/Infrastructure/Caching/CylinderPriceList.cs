using System.Globalization;
using LuckyGas.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>One row of <c>cylinder_prices</c>.</summary>
/// <param name="SizeKg">The cylinder size in kilograms.</param>
/// <param name="PriceNtd">The price in whole New Taiwan dollars.</param>
/// <param name="EffectiveFrom">The first Asia/Taipei day on which the price applies.</param>
public sealed record CylinderPriceRow(int SizeKg, int PriceNtd, DateOnly EffectiveFrom);

/// <summary>
/// The price history of every cylinder size: all rows of <c>cylinder_prices</c>. It is cached as
/// one value because it is small (a few rows per size) and changes rarely. A price change adds a
/// row with a later <see cref="CylinderPriceRow.EffectiveFrom"/>, so a cached list prices every day
/// correctly when the row was added at least <see cref="CacheOptions.PriceListTimeToLive"/> before
/// the day it takes effect.
/// </summary>
/// <param name="Prices">The rows, in no particular order.</param>
public sealed record CylinderPriceList(IReadOnlyList<CylinderPriceRow> Prices)
{
    /// <summary>
    /// Returns the price list from the read cache, or reads it from <paramref name="database"/>
    /// when it is not cached or the cache is not used.
    /// </summary>
    public static async Task<CylinderPriceList> GetAsync(
        RedisReadCache cache, LuckyGasDbContext database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var read = await cache.GetOrLoadAsync(CacheEntry.PriceList,
            token => LoadAsync(database, token), token => LoadAsync(database, token), cancellationToken);

        // Both readers return a list, possibly empty, never null.
        return read.Value!;
    }

    /// <summary>Reads every row of <c>cylinder_prices</c> from <paramref name="database"/>.</summary>
    public static async Task<CylinderPriceList?> LoadAsync(LuckyGasDbContext database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var rows = await database.CylinderPrices.AsNoTracking()
            .Select(price => new CylinderPriceRow(price.SizeKg, price.PriceNtd, price.EffectiveFrom))
            .ToListAsync(cancellationToken);
        return new CylinderPriceList(rows);
    }

    /// <summary>
    /// Returns the price of one <paramref name="sizeKg"/> cylinder on <paramref name="day"/>: the
    /// row of that size with the latest <see cref="CylinderPriceRow.EffectiveFrom"/> on or before
    /// the day.
    /// </summary>
    /// <exception cref="InvalidOperationException">No row of that size applies on or before the day.</exception>
    public int PriceOn(int sizeKg, DateOnly day)
    {
        CylinderPriceRow? latest = null;
        foreach (var row in Prices)
        {
            if (row.SizeKg == sizeKg && row.EffectiveFrom <= day && (latest is null || row.EffectiveFrom > latest.EffectiveFrom))
            {
                latest = row;
            }
        }

        return latest?.PriceNtd ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"No price of {sizeKg} kg cylinders is effective on {day:yyyy-MM-dd}. Add a row to cylinder_prices with an effective_from on or before that day."));
    }
}
