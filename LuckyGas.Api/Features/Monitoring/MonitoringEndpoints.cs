using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Monitoring.Health;
using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>The <c>/api/v1/health</c> and <c>/api/v1/metrics</c> endpoints.</summary>
public static class MonitoringEndpoints
{
    /// <summary>
    /// Maps the comprehensive health report and the business figures, for administrators only,
    /// and starts the Redis client metrics.
    /// </summary>
    public static IEndpointRouteBuilder MapMonitoringEndpoints(this IEndpointRouteBuilder app)
    {
        // Observable instruments exist from their creation on, so the Redis client metrics are
        // created here rather than on first use, which nothing triggers.
        app.ServiceProvider.GetRequiredService<RedisClientMetrics>();

        var health = app.MapGroup("/api/v1/health").WithTags("Monitoring").RequireAuthorization(Policies.Admin);
        health.MapGet("/", GetHealthAsync);
        health.MapGet("/comprehensive", GetHealthAsync);

        app.MapGet("/api/v1/metrics/business", GetBusinessFiguresAsync)
            .WithTags("Monitoring")
            .RequireAuthorization(Policies.Admin);

        return app;
    }

    // The report returns 200 whatever its status, because it is a report to read, not a probe.
    // Probes use /health and /alive, and a 503 would make HTTP clients retry a slow request.
    private static async Task<IResult> GetHealthAsync(ComprehensiveHealthService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.CheckAsync(cancellationToken));

    private static async Task<IResult> GetBusinessFiguresAsync(
        string? period, ConsistentReads reads, TimeProvider clock, CancellationToken cancellationToken)
    {
        var name = period ?? "today";
        if (BusinessPeriod.TryCreate(name, clock.GetUtcNow()) is not { } range)
        {
            return new Validation()
                .Add("period", $"period must be one of {string.Join(", ", BusinessPeriod.Names)}; '{name}' is not.")
                .ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        return TypedResults.Ok(await BusinessFigures.ComputeAsync(database, range, cancellationToken));
    }
}
