namespace LuckyGas.Api.Domain;

/// <summary>Taiwanese landline area code and the lengths of the subscriber numbers dialled after it.</summary>
/// <param name="Code">Area code with its trunk prefix 0, such as "02" or "0836".</param>
/// <param name="SubscriberLengths">Allowed digit counts of the subscriber number that follows the area code.</param>
/// <param name="Regions">Cities and counties that the area code serves, in English.</param>
public sealed record TaiwanAreaCode(string Code, IReadOnlyList<int> SubscriberLengths, string Regions);

/// <summary>Landline area codes of Taiwan, Kinmen and Matsu.</summary>
/// <remarks>
/// The table is the common format of Taiwanese landline numbers. The codes and lengths agree with the fixed-line
/// patterns in libphonenumber's metadata for region TW and with the English Wikipedia article "Telephone numbers in
/// Taiwan". Newer number blocks that those patterns list outside this format, such as 10-digit numbers after 037, are
/// rejected.
/// </remarks>
public static class TaiwanAreaCodes
{
    /// <summary>Every area code. Codes that share leading digits, such as 08, 082 and 0826, are all listed.</summary>
    public static IReadOnlyList<TaiwanAreaCode> All { get; } =
    [
        new("02", [8], "Taipei, New Taipei, Keelung"),
        new("03", [7], "Taoyuan, Hsinchu, Yilan, Hualien"),
        new("037", [6], "Miaoli"),
        // Taichung city numbers have 8 digits, such as 04-2234-5678. Changhua numbers have 7.
        new("04", [7, 8], "Taichung, Changhua"),
        new("049", [7], "Nantou"),
        new("05", [7], "Chiayi, Yunlin"),
        new("06", [7], "Tainan, Penghu"),
        new("07", [7], "Kaohsiung"),
        new("08", [7], "Pingtung"),
        new("082", [6], "Kinmen"),
        new("0826", [5], "Wuqiu"),
        new("0836", [5], "Matsu"),
        new("089", [6], "Taitung"),
    ];

    /// <summary>
    /// Finds the area code at the start of a national number such as "0371234567", or returns null when none matches.
    /// </summary>
    /// <remarks>
    /// The longest matching code wins, so 037123456 reads as Miaoli 037-123456 and not as 03-7123456. The ranges in
    /// the Wikipedia article give no 03, 04 or 08 number that starts with the digits of a longer code, so the longest
    /// match is the only reading.
    /// </remarks>
    public static TaiwanAreaCode? FindByPrefix(string nationalNumber)
    {
        TaiwanAreaCode? match = null;
        foreach (var areaCode in All)
        {
            if (nationalNumber.StartsWith(areaCode.Code, StringComparison.Ordinal)
                && (match is null || areaCode.Code.Length > match.Code.Length))
            {
                match = areaCode;
            }
        }

        return match;
    }
}
