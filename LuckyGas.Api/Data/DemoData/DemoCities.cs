using LuckyGas.Api.Domain;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Delivery region of the demo data. Each driver serves one region.</summary>
internal enum DemoRegion
{
    /// <summary>臺北市, 新北市 and 基隆市.</summary>
    North,

    /// <summary>桃園市, 新竹市 and 新竹縣.</summary>
    TaoyuanHsinchu,

    /// <summary>臺中市.</summary>
    Central,

    /// <summary>臺南市 and 高雄市.</summary>
    South,
}

/// <summary>City where demo customers live, with what the generator needs for their addresses and landlines.</summary>
/// <param name="Name">City name as <see cref="TaiwanDistricts.Cities"/> spells it.</param>
/// <param name="Weight">Relative share of the customers who live in the city.</param>
/// <param name="Region">Delivery region whose drivers serve the city.</param>
/// <param name="AreaCode">Landline area code of the city, such as "02".</param>
/// <param name="SubscriberLength">Digits of a landline subscriber number after the area code.</param>
/// <param name="SubscriberFirstDigits">Digits that a landline subscriber number in the city starts with.</param>
/// <param name="BusyDistricts">
/// Densely populated districts, which get <see cref="DemoCities.BusyDistrictWeight"/> times the customers of the
/// other districts of the city.
/// </param>
internal sealed record DemoCity(
    string Name,
    int Weight,
    DemoRegion Region,
    string AreaCode,
    int SubscriberLength,
    string SubscriberFirstDigits,
    IReadOnlyList<string> BusyDistricts)
{
    /// <summary>Every district of the city, from <see cref="TaiwanDistricts.DistrictsByCity"/>.</summary>
    public IReadOnlyList<string> Districts => TaiwanDistricts.DistrictsByCity[Name];
}

/// <summary>The cities of the demo data: those with a district list in <see cref="TaiwanDistricts"/>.</summary>
internal static class DemoCities
{
    /// <summary>How many times the customers of an ordinary district a busy district gets.</summary>
    public const int BusyDistrictWeight = 4;

    /// <summary>
    /// Every demo city. The weights put about 90% of the customers in the five largest cities: 臺北市, 新北市, 桃園市,
    /// 臺中市 and 高雄市.
    /// </summary>
    /// <remarks>
    /// The subscriber lengths match <see cref="TaiwanAreaCodes"/>. Taichung city numbers have 8 digits after 04, while
    /// 7-digit 04 numbers belong to Changhua. The first digits are typical of each city, so that a 03 number in 新竹
    /// starts with 5 and one in 桃園 with 3 or 4.
    /// </remarks>
    public static IReadOnlyList<DemoCity> All { get; } =
    [
        new("臺北市", 22, DemoRegion.North, "02", 8, "2", []),
        new("新北市", 26, DemoRegion.North, "02", 8, "289",
            ["板橋區", "三重區", "中和區", "永和區", "新莊區", "新店區", "土城區", "蘆洲區", "汐止區", "樹林區", "淡水區", "林口區"]),
        new("基隆市", 2, DemoRegion.North, "02", 8, "2", []),
        new("桃園市", 14, DemoRegion.TaoyuanHsinchu, "03", 7, "34",
            ["桃園區", "中壢區", "平鎮區", "八德區", "龜山區", "楊梅區", "蘆竹區"]),
        new("新竹市", 2, DemoRegion.TaoyuanHsinchu, "03", 7, "5", []),
        new("新竹縣", 2, DemoRegion.TaoyuanHsinchu, "03", 7, "5", ["竹北市", "竹東鎮", "湖口鄉"]),
        new("臺中市", 15, DemoRegion.Central, "04", 8, "2",
            ["北屯區", "西屯區", "南屯區", "北區", "西區", "南區", "東區", "中區", "太平區", "大里區", "豐原區"]),
        new("臺南市", 5, DemoRegion.South, "06", 7, "256", ["東區", "北區", "中西區", "南區", "安平區", "安南區", "永康區"]),
        new("高雄市", 12, DemoRegion.South, "07", 7, "35678",
            ["鳳山區", "三民區", "左營區", "苓雅區", "前鎮區", "鼓山區", "楠梓區", "小港區", "新興區", "前金區"]),
    ];

    /// <summary>Returns the share of customers in each region, from the city weights.</summary>
    public static IReadOnlyDictionary<DemoRegion, double> RegionShares()
    {
        var total = (double)All.Sum(city => city.Weight);
        return All.GroupBy(city => city.Region)
            .ToDictionary(group => group.Key, group => group.Sum(city => city.Weight) / total);
    }
}
