using Microsoft.AspNetCore.Diagnostics;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Turns a request the framework could not bind into a problem that names the field, instead of a
/// 500. The causes are malformed JSON, an unknown or repeated member, a value of the wrong type, a
/// query value that does not parse and a missing body. A body that is not JSON gets a 415 problem.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problems, BindFailureProblems bindFailures, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = bindFailures.Create(context, badRequest);
        var reason = problem is HttpValidationProblemDetails validation
            ? string.Join(" ", validation.Errors.SelectMany(pair => pair.Value))
            : problem.Detail ?? "";
        LogRejected(logger, context.Request.Method, context.Request.Path.Value, reason);

        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = problem,
        });
    }

    [LoggerMessage(EventId = 4400, EventName = "RequestRejected", Level = LogLevel.Information,
        Message = "Rejected an unreadable {Method} {Path} request: {Detail}")]
    private static partial void LogRejected(ILogger logger, string method, string? path, string detail);
}
