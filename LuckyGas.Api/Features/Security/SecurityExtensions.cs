using LuckyGas.Api.Features.Audit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LuckyGas.Api.Features.Security;

/// <summary>Registers and adds the API's request security and the audit log.</summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Adds suspicious-activity scoring and blocking configured from the <c>Security</c> section,
    /// the audit log (<see cref="IAuditLog"/>) and its verifier, and caps every request body at
    /// <see cref="RequestBodyLimits.Default"/>.
    /// </summary>
    public static WebApplicationBuilder AddRequestSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>()
            .BindConfiguration(SecurityOptions.SectionName)
            .Validate(options => options.BlockThreshold > 0, "Security:BlockThreshold must be positive.")
            .Validate(options => options.ScoreWindow > TimeSpan.Zero, "Security:ScoreWindow must be positive.")
            .Validate(options => options.BlockDuration > TimeSpan.Zero, "Security:BlockDuration must be positive.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecurityMetrics>();
        builder.Services.AddSingleton<ClientBlocklist>();
        builder.Services.AddSingleton<IAuditLog, PostgresAuditLog>();
        builder.Services.AddScoped<AuditVerifier>();

        // Endpoints without a limit of their own, and requests that match no endpoint, get the
        // largest limit; the routing middleware lowers it per endpoint from RequestBodyLimit metadata.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodyLimits.Default);

        return builder;
    }

    /// <summary>
    /// Adds <see cref="RequestSecurityMiddleware"/>. Call it after the problem details middleware, so
    /// that its errors are problems too, and before authentication.
    /// </summary>
    public static WebApplication UseRequestSecurity(this WebApplication app)
    {
        app.UseMiddleware<RequestSecurityMiddleware>();
        return app;
    }
}
