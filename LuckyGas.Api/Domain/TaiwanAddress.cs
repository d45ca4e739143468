using System.Diagnostics.CodeAnalysis;

namespace LuckyGas.Api.Domain;

/// <summary>Validated Taiwanese delivery address: city or county, district and the street address within it.</summary>
/// <remarks><see cref="ToString"/> returns the address in Taiwanese order, such as "臺北市大安區忠孝東路四段1號".</remarks>
public sealed record TaiwanAddress
{
    /// <summary>Maximum length of <see cref="Street"/> in Unicode characters (code points).</summary>
    public const int MaxStreetLength = 200;

    /// <summary>
    /// Maximum length of <see cref="District"/> in Unicode characters, checked for cities without a district list.
    /// </summary>
    /// <remarks>The longest real names, such as 那瑪夏區 and 阿里山鄉, have 4 characters.</remarks>
    public const int MaxDistrictLength = 10;

    private TaiwanAddress(string city, string district, string street)
    {
        City = city;
        District = district;
        Street = street;
    }

    /// <summary>City or county, one of <see cref="TaiwanDistricts.Cities"/>, such as "臺北市".</summary>
    public string City { get; }

    /// <summary>District, township or county-administered city within <see cref="City"/>, such as "大安區".</summary>
    public string District { get; }

    /// <summary>Street address within the district, such as "忠孝東路四段1號", with surrounding whitespace removed.</summary>
    public string Street { get; }

    /// <summary>Returns the address in Taiwanese order: city, district, street.</summary>
    public override string ToString() => City + District + Street;

    /// <summary>
    /// Validates and normalizes an address. Returns false, with one error for each invalid field, when the city is not
    /// one of the 22 cities and counties, the district does not belong to the city, or the street is empty or too long.
    /// </summary>
    /// <remarks>
    /// City and district lose their whitespace and have 台 written as 臺, so "台北市" is stored as "臺北市". The district
    /// must be on the city's list in <see cref="TaiwanDistricts.DistrictsByCity"/>. For a city without a list, any
    /// district of at most <see cref="MaxDistrictLength"/> characters is accepted. The street keeps its text, trimmed,
    /// and must have at most <see cref="MaxStreetLength"/> characters and no control characters such as line breaks.
    /// </remarks>
    public static bool TryCreate(
        string? city,
        string? district,
        string? street,
        [NotNullWhen(true)] out TaiwanAddress? address,
        out IReadOnlyList<FieldError> errors)
    {
        var normalizedCity = TaiwanDistricts.NormalizeName(city ?? "");
        var normalizedDistrict = TaiwanDistricts.NormalizeName(district ?? "");
        var trimmedStreet = street?.Trim() ?? "";

        var found = new List<FieldError>();
        var cityError = ValidateCity(normalizedCity);
        if (cityError is not null)
        {
            found.Add(cityError);
        }

        var districtError = ValidateDistrict(normalizedCity, normalizedDistrict, cityIsValid: cityError is null);
        if (districtError is not null)
        {
            found.Add(districtError);
        }

        var streetError = ValidateStreet(trimmedStreet);
        if (streetError is not null)
        {
            found.Add(streetError);
        }

        errors = found;
        address = found.Count == 0 ? new TaiwanAddress(normalizedCity, normalizedDistrict, trimmedStreet) : null;
        return address is not null;
    }

    /// <summary>Creates a validated address.</summary>
    /// <exception cref="ArgumentException">A field is invalid. The message lists every invalid field.</exception>
    public static TaiwanAddress Create(string? city, string? district, string? street)
    {
        if (!TryCreate(city, district, street, out var address, out var errors))
        {
            throw new ArgumentException(string.Join("; ", errors.Select(error => error.Message)));
        }

        return address;
    }

    private static FieldError? ValidateCity(string city)
    {
        if (TaiwanDistricts.IsCity(city))
        {
            return null;
        }

        var actual = city.Length == 0 ? "it is empty" : $"was \"{city}\"";
        return new FieldError("city", $"city must be a Taiwanese city or county, such as 臺北市 or 新竹縣, but {actual}");
    }

    private static FieldError? ValidateDistrict(string city, string district, bool cityIsValid)
    {
        var actual = district.Length == 0 ? "it is empty" : $"was \"{district}\"";
        if (!cityIsValid)
        {
            return district.Length == 0
                ? new FieldError("district", "district must be a district of the city, such as 大安區, but it is empty")
                : null;
        }

        if (TaiwanDistricts.DistrictsByCity.TryGetValue(city, out var districts))
        {
            if (TaiwanDistricts.IsDistrictOf(city, district))
            {
                return null;
            }

            return new FieldError(
                "district",
                $"district must be a district of {city}, such as {districts[0]}, but {actual}");
        }

        if (district.Length == 0 || CountCharacters(district) > MaxDistrictLength || district.Any(char.IsControl))
        {
            return new FieldError(
                "district",
                $"district must be a district, township or city of {city}, written in 1 to {MaxDistrictLength} "
                    + $"characters without control characters, but {actual}");
        }

        return null;
    }

    private static FieldError? ValidateStreet(string street)
    {
        if (street.Length == 0)
        {
            return new FieldError("street", "street must be the street address, such as 忠孝東路四段1號, but it is empty");
        }

        var length = CountCharacters(street);
        if (length > MaxStreetLength)
        {
            return new FieldError("street", $"street must be at most {MaxStreetLength} characters, but has {length}");
        }

        if (street.Any(char.IsControl))
        {
            return new FieldError("street", "street must be one line without control characters, but contains one");
        }

        return null;
    }

    // Counts code points, as PostgreSQL's varchar(n) does, so that a rare character outside the Basic Multilingual
    // Plane counts once and not as its two UTF-16 units.
    private static int CountCharacters(string text) => text.EnumerateRunes().Count();
}
