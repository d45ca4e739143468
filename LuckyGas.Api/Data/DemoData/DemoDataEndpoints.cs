using LuckyGas.Api.Infrastructure.RateLimiting;
using System.Security.Claims;
using LuckyGas.Api.Features.Audit;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Security;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>The <c>/api/v1/admin/demo-data</c> endpoints, for administrators only.</summary>
public static partial class DemoDataEndpoints
{
    /// <summary>Path of the endpoint that replaces the demo data.</summary>
    public const string ResetPath = "/api/v1/admin/demo-data/reset";

    /// <summary>Maps <c>POST /api/v1/admin/demo-data/reset</c>, which requires the <see cref="Policies.Admin"/> policy.</summary>
    public static IEndpointRouteBuilder MapDemoDataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(ResetPath, ResetAsync)
            .RequireAuthorization(Policies.Admin)
            .WithTags("Admin")
            .WithName("ResetDemoData")
            .WithEndpointClass(EndpointClass.Expensive)
            .WithSummary("Delete every customer, order, driver, delivery and idempotency record, and insert a fresh "
                + "year of demo data. Staff accounts and prices stay. Pass ?seed= to repeat an earlier data set.");
        return app;
    }

    /// <summary>
    /// Replaces the demo data and returns the counts. Without <paramref name="seed"/>, a random seed is chosen and
    /// returned, so that the same data can be made again on the same day. The response carries a consistency token,
    /// so that reads which send it back see the new data.
    /// </summary>
    public static async Task<Ok<DemoDataSummary>> ResetAsync(
        int? seed,
        ClaimsPrincipal principal,
        HttpContext context,
        WriteDbContext database,
        TimeProvider clock,
        ILoggerFactory loggerFactory,
        IAuditLog audit,
        CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger(typeof(DemoDataSeeder));
        var chosenSeed = seed ?? Random.Shared.Next();
        var caller = Callers.Identify(principal);
        LogResetRequested(logger, caller, chosenSeed);

        var summary = await DemoDataSeeder.ResetAsync(database, clock, logger, chosenSeed, cancellationToken);
        await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
        await audit.WriteAsync(new AuditEvent(AuditEventKinds.DemoDataReset, caller,
            RequestSecurityMiddleware.ClientAddress(context),
            Details: new Dictionary<string, string?>
            {
                ["seed"] = chosenSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["customers"] = summary.Customers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
        return TypedResults.Ok(summary);
    }

    [LoggerMessage(EventId = 5010, EventName = "DemoDataResetRequested", Level = LogLevel.Information,
        Message = "Resetting the demo data with seed {Seed} at the request of {Caller}")]
    private static partial void LogResetRequested(ILogger logger, string caller, int seed);
}
