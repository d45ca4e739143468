using LuckyGas.Api.Features.Auth;

namespace LuckyGas.Api.Features.Security;

/// <summary>
/// An endpoint that throws, so that tests can check what an unhandled exception returns: a 500
/// problem without exception text, with every security header.
/// </summary>
public static class FaultEndpoint
{
    /// <summary>The path of the endpoint.</summary>
    public const string Path = "/api/v1/admin/diagnostics/unhandled-exception";

    /// <summary>
    /// Maps <c>POST</c> <see cref="Path"/> for administrators, in Development only, which is the
    /// environment of local runs and tests; other environments do not have the route at all.
    /// </summary>
    public static IEndpointRouteBuilder MapFaultEndpoint(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            app.MapPost(Path, ThrowUnhandled)
                .RequireAuthorization(Policies.Admin)
                .ExcludeFromDescription();
        }

        return app;
    }

    private static IResult ThrowUnhandled() =>
        throw new InvalidOperationException("Unhandled exception requested through the diagnostics endpoint.");
}
