using System.Text.Json;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// A JSON value that our converters reject. The message completes a sentence that starts with the
/// field name, such as "must not contain ...", and the exception handler shows it under the field
/// in <see cref="JsonException.Path"/>.
/// </summary>
internal sealed class JsonValueException(string message) : JsonException(message);
