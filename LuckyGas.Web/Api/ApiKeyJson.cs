using System.Globalization;
using System.Text.Json;

namespace LuckyGas.Web.Api;

/// <summary>
/// Reads the API key endpoints' JSON by field name, accepting the usual spellings of each field,
/// so the page keeps working when the key service adds fields.
/// </summary>
public static class ApiKeyJson
{
    /// <summary>Returns the keys of a list response: a bare array, or an object with <c>items</c>.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Array => body.EnumerateArray(),
        JsonValueKind.Object when body.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            => items.EnumerateArray(),
        _ => [],
    };

    /// <summary>Returns the tier names of the tiers response, an array or an object keyed by name.</summary>
    public static List<string> TierNames(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Object && !body.TryGetProperty("items", out _) && !body.TryGetProperty("tiers", out _))
        {
            return [.. body.EnumerateObject().Select(property => property.Name)];
        }

        var list = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("tiers", out var tiers) ? tiers : body;
        return [.. Items(list).Select(tier => tier.ValueKind == JsonValueKind.String ? tier.GetString() : Text(tier, "name", "tier"))
            .OfType<string>()];
    }

    /// <summary>Returns the one-time secret of a create response.</summary>
    public static string? Secret(JsonElement body) => Text(body, "secret", "key", "apiKey", "plaintextKey", "value");

    /// <summary>Returns the days of a usage response, oldest first.</summary>
    public static List<ApiKeyUsageDayDto> UsageDays(JsonElement body)
    {
        var days = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("days", out var list) ? list
            : body.ValueKind == JsonValueKind.Object && body.TryGetProperty("daily", out var daily) ? daily
            : body;
        return [.. Items(days)
            .Select(day => new ApiKeyUsageDayDto(
                DateOnly.TryParse(Text(day, "day", "date"), CultureInfo.InvariantCulture, out var date) ? date : default,
                Number(day, "requests", "requestCount"),
                Number(day, "rejected", "rejectedRequests", "rejectedCount")))
            .OrderBy(day => day.Day)];
    }

    /// <summary>Returns the first of the named string fields that is present.</summary>
    public static string? Text(JsonElement item, params string[] names)
    {
        foreach (var name in names)
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => value.ToString(),
                };
            }
        }

        return null;
    }

    /// <summary>Returns a string array field, or an empty list.</summary>
    public static IReadOnlyList<string> Strings(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(element => element.ToString())]
            : [];

    /// <summary>Returns a time field, or null.</summary>
    public static DateTimeOffset? Time(JsonElement item, string name) =>
        DateTimeOffset.TryParse(Text(item, name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>Returns a boolean field, false when absent.</summary>
    public static bool Flag(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static long Number(JsonElement item, params string[] names) =>
        long.TryParse(Text(item, names), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
