using System.Collections.Frozen;

namespace LuckyGas.Api.Domain;

/// <summary>
/// Taiwan's 22 cities and counties, and the complete district and township lists of the cities where Lucky Gas
/// delivers.
/// </summary>
/// <remarks>
/// Names are in Traditional Chinese with 臺, as the Ministry of the Interior writes them. Districts are listed in
/// postal code order. The lists match the divisions in force since Taoyuan became a special municipality in 2014.
/// </remarks>
public static class TaiwanDistricts
{
    /// <summary>The 22 cities and counties: special municipalities, then provincial cities, then counties.</summary>
    public static IReadOnlyList<string> Cities { get; } =
    [
        "臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市",
        "基隆市", "新竹市", "嘉義市",
        "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣", "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣", "澎湖縣",
        "金門縣", "連江縣",
    ];

    /// <summary>
    /// Districts, or for 新竹縣 its townships and county-administered cities, of each city where Lucky Gas delivers.
    /// Cities missing from this dictionary have no district list, and <see cref="TaiwanAddress"/> accepts any district
    /// for them.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DistrictsByCity { get; } =
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["臺北市"] =
            [
                "中正區", "大同區", "中山區", "松山區", "大安區", "萬華區", "信義區", "士林區", "北投區", "內湖區", "南港區",
                "文山區",
            ],
            ["基隆市"] = ["仁愛區", "信義區", "中正區", "中山區", "安樂區", "暖暖區", "七堵區"],
            ["新北市"] =
            [
                "萬里區", "金山區", "板橋區", "汐止區", "深坑區", "石碇區", "瑞芳區", "平溪區", "雙溪區", "貢寮區", "新店區",
                "坪林區", "烏來區", "永和區", "中和區", "土城區", "三峽區", "樹林區", "鶯歌區", "三重區", "新莊區", "泰山區",
                "林口區", "蘆洲區", "五股區", "八里區", "淡水區", "三芝區", "石門區",
            ],
            ["新竹市"] = ["東區", "北區", "香山區"],
            ["新竹縣"] =
            [
                "竹北市", "湖口鄉", "新豐鄉", "新埔鎮", "關西鎮", "芎林鄉", "寶山鄉", "竹東鎮", "五峰鄉", "橫山鄉", "尖石鄉",
                "北埔鄉", "峨眉鄉",
            ],
            ["桃園市"] =
            [
                "中壢區", "平鎮區", "龍潭區", "楊梅區", "新屋區", "觀音區", "桃園區", "龜山區", "八德區", "大溪區", "復興區",
                "大園區", "蘆竹區",
            ],
            ["臺中市"] =
            [
                "中區", "東區", "南區", "西區", "北區", "北屯區", "西屯區", "南屯區", "太平區", "大里區", "霧峰區", "烏日區",
                "豐原區", "后里區", "石岡區", "東勢區", "和平區", "新社區", "潭子區", "大雅區", "神岡區", "大肚區", "沙鹿區",
                "龍井區", "梧棲區", "清水區", "大甲區", "外埔區", "大安區",
            ],
            ["臺南市"] =
            [
                "中西區", "東區", "南區", "北區", "安平區", "安南區", "永康區", "歸仁區", "新化區", "左鎮區", "玉井區",
                "楠西區", "南化區", "仁德區", "關廟區", "龍崎區", "官田區", "麻豆區", "佳里區", "西港區", "七股區", "將軍區",
                "學甲區", "北門區", "新營區", "後壁區", "白河區", "東山區", "六甲區", "下營區", "柳營區", "鹽水區", "善化區",
                "大內區", "山上區", "新市區", "安定區",
            ],
            ["高雄市"] =
            [
                "新興區", "前金區", "苓雅區", "鹽埕區", "鼓山區", "旗津區", "前鎮區", "三民區", "楠梓區", "小港區", "左營區",
                "仁武區", "大社區", "岡山區", "路竹區", "阿蓮區", "田寮區", "燕巢區", "橋頭區", "梓官區", "彌陀區", "永安區",
                "湖內區", "鳳山區", "大寮區", "林園區", "鳥松區", "大樹區", "旗山區", "美濃區", "六龜區", "內門區", "杉林區",
                "甲仙區", "桃源區", "那瑪夏區", "茂林區", "茄萣區",
            ],
        }.ToFrozenDictionary();

    private static readonly FrozenSet<string> s_cities = Cities.ToFrozenSet();

    private static readonly FrozenDictionary<string, FrozenSet<string>> s_districtSets =
        DistrictsByCity.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToFrozenSet());

    /// <summary>
    /// Normalizes a city or district name: removes whitespace and writes 台 as 臺, so "台北市" becomes "臺北市".
    /// </summary>
    public static string NormalizeName(string name) =>
        string.Concat(name.Where(character => !char.IsWhiteSpace(character))).Replace('台', '臺');

    /// <summary>Returns whether <paramref name="city"/>, already normalized, is one of <see cref="Cities"/>.</summary>
    public static bool IsCity(string city) => s_cities.Contains(city);

    /// <summary>
    /// Returns whether <paramref name="district"/> is a district of <paramref name="city"/>, both already normalized.
    /// Returns true for any district of a city that <see cref="DistrictsByCity"/> has no list for.
    /// </summary>
    public static bool IsDistrictOf(string city, string district) =>
        !s_districtSets.TryGetValue(city, out var districts) || districts.Contains(district);
}
