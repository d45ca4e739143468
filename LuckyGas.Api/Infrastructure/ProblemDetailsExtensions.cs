using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Makes every error response an RFC 9457 problem details document.</summary>
public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Adds problem details for errors (with the serving instance and the trace id), and strict
    /// JSON options: enums by name, numbers as JSON numbers, times with an offset, and no unknown
    /// or repeated members.
    /// </summary>
    public static WebApplicationBuilder AddApiProblemDetails(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;

            // A 415 that the framework sets without throwing arrives here as a bare status code.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType
                && context.ProblemDetails.Detail is null)
            {
                var unsupported = BindFailureProblems.UnsupportedMediaType();
                context.ProblemDetails.Title = unsupported.Title;
                context.ProblemDetails.Detail = unsupported.Detail;
            }
        });

        builder.Services.Configure<JsonOptions>(options =>
        {
            // Enums by name only: a number such as 99 would otherwise bind to an undefined value.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
            options.SerializerOptions.Converters.Add(new StrictStringConverter());
            options.SerializerOptions.Converters.Add(new StrictDateTimeOffsetConverter());

            // A misspelt member such as "expires" for "expiresAt" would otherwise be dropped
            // silently, and a repeated one would let the last value win.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.AllowDuplicateProperties = false;

            // The web defaults also read numbers from strings such as "5".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        // Binding failures become 400 problems in every environment; by default only Development
        // throws them, and the exception handler would return 500.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<BindFailureProblems>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();

        return builder;
    }

    /// <summary>
    /// Turns unhandled exceptions and bare error status codes into problem details, never with
    /// exception text.
    /// </summary>
    public static WebApplication UseApiProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Query values reach LIKE patterns and filters: NUL would fail in PostgreSQL as a 500.
        app.Use((context, next) =>
        {
            foreach (var (key, values) in context.Request.Query)
            {
                if (values.Any(value => value is not null && value.Any(StrictStringConverter.IsForbidden)))
                {
                    throw new BadHttpRequestException(
                        $"The query value of '{key}' contains a control character such as NUL (U+0000).");
                }
            }

            return next(context);
        });

        return app;
    }
}
