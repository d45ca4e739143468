using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a value of the wrong type, a
/// query value that does not parse) into a 400 problem that names the field, instead of a 500.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        // System.Text.Json's message names the JSON path, such as "$.customerId"; the
        // framework's own message names the parameter. Neither contains server internals.
        var detail = badRequest.InnerException is JsonException json
            ? $"The request body is not valid: {json.Message}"
            : badRequest.Message;
        LogRejected(logger, context.Request.Method, context.Request.Path.Value, detail);

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request could not be read.",
                Detail = detail + " Send JSON that matches the documented request (see /openapi/v1.json).",
            },
        });
    }

    [LoggerMessage(EventId = 4400, EventName = "RequestRejected", Level = LogLevel.Information,
        Message = "Rejected an unreadable {Method} {Path} request: {Detail}")]
    private static partial void LogRejected(ILogger logger, string method, string? path, string detail);
}
