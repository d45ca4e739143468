using System.Text.Json;
using System.Text.Json.Serialization;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Reads JSON strings, rejecting control characters other than tab, line feed and carriage
/// return. PostgreSQL cannot store NUL in text, and the others have no place in names or notes.
/// </summary>
internal sealed class StrictStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && value.Any(IsForbidden))
        {
            throw new JsonValueException("must not contain control characters such as NUL (U+0000).");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    /// <summary>Returns whether a character is a control character other than tab, LF or CR.</summary>
    public static bool IsForbidden(char character) => char.IsControl(character) && character is not ('\t' or '\n' or '\r');
}
