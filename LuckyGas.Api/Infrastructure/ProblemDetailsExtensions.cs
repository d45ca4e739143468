using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Makes every error response an RFC 9457 problem details document.</summary>
public static class ProblemDetailsExtensions
{
    /// <summary>
    /// Adds problem details for errors (with the serving instance and the trace id), and JSON
    /// options that write enums by name.
    /// </summary>
    public static WebApplicationBuilder AddApiProblemDetails(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });

        builder.Services.Configure<JsonOptions>(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

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
        return app;
    }
}
