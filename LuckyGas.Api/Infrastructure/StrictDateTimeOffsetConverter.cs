using System.Text.Json;
using System.Text.Json.Serialization;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Reads ISO 8601 dates and times only when they carry an offset. Without one, System.Text.Json
/// applies the server's local offset, so a Taipei delivery window would move with the host's time
/// zone.
/// </summary>
internal sealed class StrictDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>The message for a value that is not a date and time with an offset.</summary>
    public const string Expected =
        "must be an ISO 8601 date and time with an offset such as +08:00 or Z, for example 2026-12-05T10:00:00+08:00.";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String
            || !reader.TryGetDateTimeOffset(out var value)
            || !HasOffset(reader.GetString()!))
        {
            throw new JsonValueException(Expected);
        }

        return value;
    }

    // The date part contains '-', so only the time part can show an offset.
    private static bool HasOffset(string text)
    {
        var timeStart = text.IndexOfAny(['T', 't']);
        return timeStart >= 0 && text.AsSpan(timeStart).IndexOfAny("Zz+-") >= 0;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
