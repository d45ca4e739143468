using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace LuckyGas.Api.Domain;

/// <summary>
/// Validated Taiwanese mobile or landline number, stored in national form with the trunk prefix 0, such as
/// "0912345678".
/// </summary>
/// <remarks>
/// <see cref="DisplayForm"/> follows one rule. A mobile number prints in groups of 4, 3 and 3 digits (0912-345-678). A
/// landline prints as its area code, a dash and the subscriber number, and a subscriber number of 7 or 8 digits is
/// split before its last four digits: 02-2345-6789, 04-2234-5678, 07-123-4567, 037-123456 and 0836-22345.
/// </remarks>
public sealed record TaiwanPhoneNumber
{
    /// <summary>Maximum length in characters of the text that <see cref="TryParse"/> accepts.</summary>
    /// <remarks>
    /// "+886 (0)2 2345-6789" has 19 characters, so 40 leaves room for extra spaces. The limit also keeps the input
    /// short enough to quote in error messages.
    /// </remarks>
    public const int MaxInputLength = 40;

    private const string CountryCode = "886";

    private const string ExpectedFormat =
        "a Taiwanese mobile number (09xx-xxx-xxx) or a landline with its area code (such as 02-2345-6789)";

    private TaiwanPhoneNumber(string nationalNumber, TaiwanPhoneNumberKind kind, TaiwanAreaCode? areaCode)
    {
        NationalNumber = nationalNumber;
        Kind = kind;
        AreaCode = areaCode;
        DisplayForm = areaCode is null ? FormatMobile(nationalNumber) : FormatLandline(nationalNumber, areaCode);
    }

    /// <summary>Digits of the number in national form, with the trunk prefix 0, such as "0223456789".</summary>
    public string NationalNumber { get; }

    /// <summary>Kind of line the number reaches.</summary>
    public TaiwanPhoneNumberKind Kind { get; }

    /// <summary>Area code of a landline number, or null for a mobile number.</summary>
    public TaiwanAreaCode? AreaCode { get; }

    /// <summary>Number formatted for people, such as "0912-345-678" or "02-2345-6789".</summary>
    public string DisplayForm { get; }

    /// <summary>Number in E.164 international form, such as "+886912345678".</summary>
    public string E164 => "+" + CountryCode + NationalNumber[1..];

    /// <summary>Returns <see cref="DisplayForm"/>.</summary>
    public override string ToString() => DisplayForm;

    /// <summary>Parses a Taiwanese phone number.</summary>
    /// <exception cref="FormatException">
    /// The text is not a Taiwanese phone number. The message names the problem and the expected format.
    /// </exception>
    public static TaiwanPhoneNumber Parse(string? text)
    {
        if (!TryParse(text, out var phoneNumber, out var error))
        {
            throw new FormatException(error);
        }

        return phoneNumber;
    }

    /// <summary>
    /// Validates and normalizes a Taiwanese phone number. Returns false, with an error that names the problem and the
    /// expected format, when the text is not a Taiwanese mobile or landline number.
    /// </summary>
    /// <remarks>
    /// The text may contain spaces, dashes and parentheses between the digits, and full-width characters count as
    /// their ASCII forms. It may start with +886, the international form, in which the trunk prefix 0 is dropped
    /// (+886 912 345 678 is 0912-345-678). A 0 written after +886, as in "+886 (0)2 2345 6789", is accepted and
    /// dropped too. Numbers outside the landline and mobile ranges, such as 0800 toll-free and 070 VoIP numbers, are
    /// rejected.
    /// </remarks>
    public static bool TryParse(
        string? text,
        [NotNullWhen(true)] out TaiwanPhoneNumber? phoneNumber,
        [NotNullWhen(false)] out string? error)
    {
        phoneNumber = null;
        if (!TryExtractNationalNumber(text, out var input, out var nationalNumber, out error))
        {
            return false;
        }

        if (nationalNumber.StartsWith("09", StringComparison.Ordinal))
        {
            return TryCreateMobile(input, nationalNumber, out phoneNumber, out error);
        }

        return TryCreateLandline(input, nationalNumber, out phoneNumber, out error);
    }

    /// <summary>
    /// Removes the separators and the +886 prefix from the text. Returns the trimmed input, for error messages, and
    /// the digits in national form, which start with 0.
    /// </summary>
    private static bool TryExtractNationalNumber(
        string? text,
        out string input,
        out string nationalNumber,
        [NotNullWhen(false)] out string? error)
    {
        input = text?.Normalize(NormalizationForm.FormKC).Trim() ?? "";
        nationalNumber = "";
        if (input.Length == 0)
        {
            error = $"phone must be {ExpectedFormat}, but it is empty";
            return false;
        }

        if (input.Length > MaxInputLength)
        {
            error = $"phone must be at most {MaxInputLength} characters, but has {input.Length}";
            return false;
        }

        var digits = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var character = input[i];
            if (char.IsAsciiDigit(character))
            {
                digits.Append(character);
            }
            else if (character == '+' && i > 0)
            {
                error = $"phone may contain + only at its start, as in +886 912 345 678, but \"{input}\" has it later";
                return false;
            }
            else if (character is not ('+' or '-' or '(' or ')') && !char.IsWhiteSpace(character))
            {
                error = "phone must contain only digits, spaces, dashes, parentheses and a leading +886, "
                    + $"but \"{input}\" contains '{character}'";
                return false;
            }
        }

        var number = digits.ToString();
        if (input[0] == '+')
        {
            if (!number.StartsWith(CountryCode, StringComparison.Ordinal))
            {
                error = $"phone must be a Taiwanese number, so a number starting with + must start with +886, "
                    + $"but \"{input}\" does not";
                return false;
            }

            number = number[CountryCode.Length..];
            if (number.StartsWith('0'))
            {
                number = number[1..];
            }

            number = "0" + number;
        }

        if (!number.StartsWith('0'))
        {
            var start = number.Length == 0 ? "no digit" : number[..1];
            error = $"phone must start with 0, such as 09 for a mobile or 02 for Taipei, or with +886, "
                + $"but \"{input}\" starts with {start}";
            return false;
        }

        nationalNumber = number;
        error = null;
        return true;
    }

    private static bool TryCreateMobile(
        string input,
        string nationalNumber,
        [NotNullWhen(true)] out TaiwanPhoneNumber? phoneNumber,
        [NotNullWhen(false)] out string? error)
    {
        // NOTE: libphonenumber lists 099 numbers as personal numbers, not mobiles. They are accepted here as mobile.
        const int MobileLength = 10;
        if (nationalNumber.Length != MobileLength)
        {
            phoneNumber = null;
            error = $"phone \"{input}\" has {nationalNumber.Length - 2} digits after 09, "
                + "but a mobile number (09xx-xxx-xxx) has 8";
            return false;
        }

        phoneNumber = new TaiwanPhoneNumber(nationalNumber, TaiwanPhoneNumberKind.Mobile, areaCode: null);
        error = null;
        return true;
    }

    private static bool TryCreateLandline(
        string input,
        string nationalNumber,
        [NotNullWhen(true)] out TaiwanPhoneNumber? phoneNumber,
        [NotNullWhen(false)] out string? error)
    {
        phoneNumber = null;
        var areaCode = TaiwanAreaCodes.FindByPrefix(nationalNumber);
        if (areaCode is null)
        {
            error = $"phone must be {ExpectedFormat}, but \"{input}\" starts with no Taiwanese area code";
            return false;
        }

        var subscriberLength = nationalNumber.Length - areaCode.Code.Length;
        if (!areaCode.SubscriberLengths.Contains(subscriberLength))
        {
            var allowedLengths = string.Join(" or ", areaCode.SubscriberLengths);
            error = $"phone \"{input}\" has {subscriberLength} digits after area code {areaCode.Code} "
                + $"({areaCode.Regions}), but that area code takes {allowedLengths}";
            return false;
        }

        // 0 is the trunk prefix, so a local number never starts with it. Without this check, 080-012-345 would pass
        // as a Pingtung number.
        if (nationalNumber[areaCode.Code.Length] == '0')
        {
            error = $"phone \"{input}\" has a number after area code {areaCode.Code} that starts with 0, "
                + "but local numbers never start with 0";
            return false;
        }

        phoneNumber = new TaiwanPhoneNumber(nationalNumber, TaiwanPhoneNumberKind.Landline, areaCode);
        error = null;
        return true;
    }

    private static string FormatMobile(string nationalNumber) =>
        $"{nationalNumber[..4]}-{nationalNumber[4..7]}-{nationalNumber[7..]}";

    private static string FormatLandline(string nationalNumber, TaiwanAreaCode areaCode)
    {
        var subscriber = nationalNumber[areaCode.Code.Length..];
        if (subscriber.Length < 7)
        {
            return $"{areaCode.Code}-{subscriber}";
        }

        return $"{areaCode.Code}-{subscriber[..^4]}-{subscriber[^4..]}";
    }
}
