using Bogus;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Traditional Chinese names, shop names, company names and streets for the demo data.</summary>
/// <remarks>
/// NOTE: Bogus 35.6 has a zh_TW locale, but its given names are mostly male and mainland-style (鑫磊, 鵬濤), its full
/// names put the surname last, its street names join a surname and a direction (徐南路), and its phone formats fail
/// <see cref="Domain.TaiwanPhoneNumber.TryParse"/> (01-2035398). So the lists below are used instead, and the
/// generator uses Bogus only for its seeded Randomizer and PickRandom.
/// </remarks>
internal static class DemoNames
{
    // Weights are estimates of how common each surname is in Taiwan, in tenths of a percent: 陳 and 林 lead.
    private static readonly (string Surname, int Weight)[] s_surnames =
    [
        ("陳", 111), ("林", 83), ("黃", 60), ("張", 53), ("李", 51), ("王", 41), ("吳", 40), ("劉", 32), ("蔡", 29),
        ("楊", 26), ("許", 23), ("鄭", 19), ("謝", 18), ("洪", 15), ("郭", 15), ("邱", 14), ("曾", 14), ("廖", 13),
        ("賴", 13), ("徐", 11), ("周", 11), ("葉", 10), ("蘇", 10), ("莊", 9), ("呂", 8), ("江", 8), ("何", 8),
        ("蕭", 7), ("羅", 7), ("高", 7), ("潘", 6), ("簡", 6), ("朱", 6), ("鍾", 6), ("游", 5), ("彭", 5), ("詹", 5),
        ("胡", 5), ("施", 5), ("沈", 5),
    ];

    private static readonly string[] s_maleGivenNames =
    [
        "志明", "俊傑", "建宏", "俊宏", "志豪", "志偉", "承翰", "冠宇", "宗翰", "家豪", "彥廷", "宇軒", "柏翰", "冠廷",
        "文雄", "明輝", "國華", "金龍", "正雄", "建志", "信宏", "哲瑋", "家銘", "世明", "育誠", "明哲", "振豪", "耀宗",
        "文彬", "清水", "榮華", "順發",
    ];

    private static readonly string[] s_femaleGivenNames =
    [
        "淑芬", "淑惠", "美玲", "雅婷", "怡君", "雅雯", "欣怡", "怡婷", "佳穎", "詩涵", "美惠", "麗華", "秀英", "玉蘭",
        "淑貞", "佩君", "宜蓁", "筱涵", "婉婷", "靜宜", "惠雯", "家瑜", "郁婷", "思妤", "品妍", "秀琴", "麗珠", "美珍",
    ];

    // 阿 followed by one character is how regulars call a shop's owner, as in 阿明麵店.
    private static readonly string[] s_nicknameCharacters =
        ["明", "華", "忠", "英", "美", "雄", "珠", "福", "財", "嬌", "田", "萬", "水", "春", "國", "娥", "霞", "輝"];

    private static readonly string[] s_shopKinds =
    [
        "麵店", "小吃店", "便當店", "快炒", "熱炒", "火鍋店", "牛肉麵", "滷肉飯", "早餐店", "自助餐", "水餃館", "鍋貼店",
        "海產店", "羊肉爐", "薑母鴨", "麻辣鍋", "燒臘店", "豆花店", "鹽酥雞", "炒飯專賣店", "餐廳", "小館", "食堂",
        "鐵板燒",
    ];

    private static readonly string[] s_companyCharacters =
    [
        "永", "興", "昌", "泰", "順", "隆", "大", "金", "富", "聯", "全", "益", "源", "成", "新", "宏", "豐", "盛", "億",
        "鴻", "祥", "利", "合", "勝", "德", "佳",
    ];

    // Trades that heat with LPG: food processing, kilns, metal heat treatment.
    private static readonly string[] s_factoryTrades =
    [
        "食品", "鑄造", "金屬工業", "陶瓷", "烘焙", "紡織", "塑膠", "化工", "玻璃", "熱處理", "豆製品", "製麵", "餐盒",
        "醬油", "五金",
    ];

    private static readonly string[] s_roadStems =
    [
        "中山", "中正", "民生", "民族", "民權", "復興", "建國", "和平", "信義", "仁愛", "忠孝", "光復", "自由", "成功",
        "文化", "中華", "三民", "博愛", "大同", "中興", "福德", "公園", "長春", "光明", "健康", "永安", "仁和", "延平",
        "五福", "四維", "青年", "民有", "府前", "林森",
    ];

    private static readonly string[] s_industrialRoadStems = ["工業", "興業", "環河", "中山", "中華", "光復", "建國", "民生"];

    private static readonly string[] s_directions = ["東", "西", "南", "北"];

    private static readonly string[] s_sectionNumerals = ["一", "二", "三", "四", "五"];

    private static readonly string[] s_positiveComments =
    [
        "師傅很準時，謝謝！", "送貨很快，服務親切。", "師傅幫忙把瓦斯桶搬到後陽台，很貼心。", "送達前有先打電話，很方便。",
        "態度很好，下次還會再叫。", "換桶很快，還幫忙檢查管線。", "準時送達，讚！", "雨天也準時送到，辛苦了。",
    ];

    private static readonly string[] s_neutralComments =
    [
        "比預期晚了一點，但還可以。", "送達前沒有先打電話。", "服務普通。", "瓦斯桶外觀有點舊。", "師傅有點趕，沒多說明。",
    ];

    private static readonly string[] s_negativeComments =
    [
        "等了很久才送到。", "師傅態度不太好。", "換好後聞到一點瓦斯味，請再派人檢查。", "沒有幫忙接好管線，要自己處理。",
        "打了好幾次電話才聯絡上。",
    ];

    /// <summary>Returns a person's name: a surname and a two-character given name, such as 陳淑芬.</summary>
    public static string PersonName(Faker faker, bool male)
    {
        var givenNames = male ? s_maleGivenNames : s_femaleGivenNames;
        return Surname(faker) + faker.PickRandom(givenNames);
    }

    /// <summary>Returns a restaurant name, such as 阿明麵店, 林記牛肉麵, 老張水餃館 or 板橋小吃店.</summary>
    /// <param name="faker">Source of random numbers.</param>
    /// <param name="district">District of the restaurant, whose name may start the shop name.</param>
    public static string RestaurantName(Faker faker, string district)
    {
        var kind = faker.PickRandom(s_shopKinds);
        var pattern = faker.Random.Number(0, 3);

        // A one-character district stem, such as 中 of 中區, does not make a shop name.
        var districtStem = district[..^1];
        if (pattern == 3 && districtStem.Length < 2)
        {
            pattern = 0;
        }

        return pattern switch
        {
            0 => "阿" + faker.PickRandom(s_nicknameCharacters) + kind,
            1 => Surname(faker) + "記" + kind,
            2 => "老" + Surname(faker) + kind,
            _ => districtStem + kind,
        };
    }

    /// <summary>Returns a company name, such as 永豐食品股份有限公司.</summary>
    public static string FactoryName(Faker faker)
    {
        var first = faker.PickRandom(s_companyCharacters);
        var second = faker.PickRandom(s_companyCharacters.Where(character => character != first).ToArray());
        var suffix = faker.Random.Number(0, 9) switch
        {
            < 6 => "股份有限公司",
            < 9 => "有限公司",
            _ => "工廠",
        };
        return first + second + faker.PickRandom(s_factoryTrades) + suffix;
    }

    /// <summary>
    /// Returns a street address within a district, with spaces around the numbers, such as "中山路二段 45 號" or
    /// "民生東路 120 巷 8 號 3 樓".
    /// </summary>
    /// <param name="faker">Source of random numbers.</param>
    /// <param name="withFloor">Whether the address may name a floor, as homes in apartment buildings do.</param>
    public static string Street(Faker faker, bool withFloor)
    {
        var road = RoadName(faker, faker.PickRandom(s_roadStems), allowStreet: true);
        var address = road + AlleyPart(faker) + $" {faker.Random.Number(1, 399)} 號";
        if (withFloor && faker.Random.Bool(0.55f))
        {
            address += $" {faker.Random.Number(2, 14)} 樓";
        }

        return address;
    }

    /// <summary>Returns the street address of a factory, on a road of an industrial area, such as "工業二路 315 號".</summary>
    public static string IndustrialStreet(Faker faker)
    {
        var stem = faker.PickRandom(s_industrialRoadStems);
        var road = faker.Random.Bool(0.4f)
            ? stem + faker.PickRandom(s_sectionNumerals) + "路"
            : RoadName(faker, stem, allowStreet: false);
        return road + $" {faker.Random.Number(1, 680)} 號";
    }

    /// <summary>Returns a rating comment in Traditional Chinese that fits <paramref name="rating"/> (1 to 5).</summary>
    public static string RatingComment(Faker faker, int rating) => rating switch
    {
        >= 4 => faker.PickRandom(s_positiveComments),
        3 => faker.PickRandom(s_neutralComments),
        _ => faker.PickRandom(s_negativeComments),
    };

    private static string Surname(Faker faker) => DemoValues.Weighted(faker, s_surnames, entry => entry.Weight).Surname;

    private static string RoadName(Faker faker, string stem, bool allowStreet)
    {
        if (allowStreet && faker.Random.Bool(0.25f))
        {
            return stem + "街";
        }

        var direction = faker.Random.Bool(0.2f) ? faker.PickRandom(s_directions) : "";
        var section = faker.Random.Bool(0.35f) ? faker.PickRandom(s_sectionNumerals[..3]) + "段" : "";
        return stem + direction + "路" + section;
    }

    private static string AlleyPart(Faker faker)
    {
        if (!faker.Random.Bool(0.25f))
        {
            return "";
        }

        var lane = $" {faker.Random.Number(1, 300)} 巷";
        return faker.Random.Bool(0.3f) ? lane + $" {faker.Random.Number(1, 30)} 弄" : lane;
    }
}
