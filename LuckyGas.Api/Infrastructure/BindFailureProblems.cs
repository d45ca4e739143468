using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Builds the problem for a request the framework could not bind: an <c>errors</c> entry per field
/// that states what the field expects, or a plain detail when no single field is at fault. The
/// messages written here contain no .NET type names, but an unrecognised failure keeps the
/// framework's own message.
/// </summary>
/// <remarks>
/// The framework and System.Text.Json report these failures only as English messages (ASP.NET Core
/// and .NET 10), so the patterns below match that text. A message that matches none of them falls
/// through to a generic problem, still a 400.
/// </remarks>
internal sealed partial class BindFailureProblems(IOptions<JsonOptions> jsonOptions)
{
    private JsonSerializerOptions Json => jsonOptions.Value.SerializerOptions;

    /// <summary>Builds the problem for <paramref name="exception"/>, with its status code.</summary>
    public ProblemDetails Create(HttpContext context, BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return UnsupportedMediaType();
        }

        // The exception handler middleware clears the endpoint before handlers run, but
        // IExceptionHandlerFeature keeps a copy of it.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        if (exception.InnerException is JsonException json)
        {
            return FromJson(endpoint, json);
        }

        if (FailedParameter().Match(exception.Message) is { Success: true } failed)
        {
            var field = JsonNamingPolicy.CamelCase.ConvertName(failed.Groups["name"].Value);
            var type = FindParameterType(endpoint, failed.Groups["name"].Value);
            return Fields(field, DescribeQueryValue(field, type));
        }

        if (MissingParameter().Match(exception.Message) is { Success: true } missing)
        {
            if (missing.Groups["source"].Value == "body")
            {
                return MissingBody();
            }

            var field = JsonNamingPolicy.CamelCase.ConvertName(missing.Groups["name"].Value);
            return Fields(field, $"{field} is required.");
        }

        if (exception.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return MissingBody();
        }

        return Plain("The request could not be read.", exception.Message);
    }

    /// <summary>Returns the problem for a body sent without a JSON content type.</summary>
    public static ProblemDetails UnsupportedMediaType() => new()
    {
        Status = StatusCodes.Status415UnsupportedMediaType,
        Title = "The request body must be JSON.",
        Detail = "Send the body as JSON with the header Content-Type: application/json.",
    };

    private ProblemDetails FromJson(Endpoint? endpoint, JsonException json)
    {
        var path = json.Path ?? "$";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var message = json.Message;

        if (json is JsonValueException)
        {
            return Fields(field, $"{field} {message}");
        }

        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && message.Contains("could not be mapped"))
        {
            return Fields(field, $"{field} is not a member of this request. Check its spelling against the documented request.");
        }

        if (message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            return Fields(field, $"{field} appears more than once. Send each member once.");
        }

        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var type = bodyType is null ? null : FindMemberType(bodyType, path);
            return field.Length == 0
                ? Plain("The request body has the wrong type.", $"The request body {DescribeJsonValue(type)}")
                : Fields(field, $"{field} {DescribeJsonValue(type)}");
        }

        // What remains is malformed JSON. The reader's message names the position and no types.
        return Plain("The request body is not valid JSON.", message);
    }

    // Follows a JSON path such as $.lines[0].sizeKg through the request type, using the serializer's member names.
    private Type? FindMemberType(Type root, string path)
    {
        Type? type = root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            var info = Json.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            type = segment.Groups["index"].Success
                ? info.ElementType
                : info.Properties.FirstOrDefault(property =>
                    string.Equals(property.Name, segment.Groups["name"].Value, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            if (type is null)
            {
                return null;
            }
        }

        return type;
    }

    private string DescribeJsonValue(Type? type)
    {
        var valueType = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (valueType is null)
        {
            return "has a value of the wrong type. Send JSON that matches the documented request (see /openapi/v1.json).";
        }

        if (valueType == typeof(DateTimeOffset))
        {
            return StrictDateTimeOffsetConverter.Expected;
        }

        if (DescribeScalar(valueType) is { } scalar)
        {
            return valueType.IsEnum || valueType == typeof(string) || valueType == typeof(bool)
                ? scalar
                : $"{scalar[..^1]}, written as a JSON number rather than a string.";
        }

        return Json.GetTypeInfo(valueType).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "must be a JSON array.",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "must be a JSON object.",
            _ => "has a value of the wrong type. Send JSON that matches the documented request (see /openapi/v1.json).",
        };
    }

    private static string DescribeQueryValue(string field, Type? type)
    {
        var valueType = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (valueType == typeof(DateTimeOffset))
        {
            return $"{field} must be an ISO 8601 date and time such as 2026-12-05T10:00:00+08:00, with + written as %2B.";
        }

        return valueType is not null && DescribeScalar(valueType) is { } scalar
            ? $"{field} {scalar}"
            : $"{field} has an invalid value.";
    }

    private static string? DescribeScalar(Type type) => type switch
    {
        { IsEnum: true } => $"must be one of {string.Join(", ", Enum.GetNames(type))}.",
        _ when type == typeof(int) => $"must be a whole number from {int.MinValue} to {int.MaxValue}.",
        _ when type == typeof(long) => $"must be a whole number from {long.MinValue} to {long.MaxValue}.",
        _ when type == typeof(decimal) || type == typeof(double) => "must be a number.",
        _ when type == typeof(bool) => "must be true or false.",
        _ when type == typeof(string) => "must be a string.",
        _ => null,
    };

    // A parameter may be a handler argument or a property of an [AsParameters] argument. Minimal
    // API endpoints carry the handler's MethodInfo in their metadata.
    private static Type? FindParameterType(Endpoint? endpoint, string name)
    {
        var parameters = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            ?? [.. (endpoint?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? []).Select(binding => binding.ParameterInfo)];
        var direct = parameters.FirstOrDefault(parameter => string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase));
        if (direct is not null)
        {
            return direct.ParameterType;
        }

        return parameters
            .Where(parameter => parameter.IsDefined(typeof(AsParametersAttribute)))
            .SelectMany(parameter => parameter.ParameterType.GetProperties())
            .FirstOrDefault(property => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            ?.PropertyType;
    }

    private static HttpValidationProblemDetails Fields(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = Validation.ProblemTitle,
            Detail = Validation.ProblemDetail,
        };

    private static ProblemDetails MissingBody() => Plain(
        "The request body is missing.", "Send a JSON object as the request body, as documented at /openapi/v1.json.");

    private static ProblemDetails Plain(string title, string detail) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = title,
        Detail = detail,
    };

    // The framework's message format, for example: Failed to bind parameter "int? Page" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedParameter();

    // For example: Required parameter "int page" was not provided from query string.
    [GeneratedRegex("""^Required parameter "(?<type>[^"]+) (?<name>[^" ]+)" was not provided from (?<source>.+)\.$""")]
    private static partial Regex MissingParameter();

    [GeneratedRegex("""\.(?<name>[^.\[]+)|\['(?<name>(?:[^']|'')*)'\]|\[(?<index>\d+)\]""")]
    private static partial Regex PathSegment();
}
