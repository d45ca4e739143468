using System.Security.Claims;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Audit;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Security;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>The <c>/api/v1/api-keys</c> endpoints.</summary>
public static class ApiKeyEndpoints
{
    /// <summary>The route prefix of every key endpoint.</summary>
    public const string BasePath = "/api/v1/api-keys";

    // Creating and revoking keys needs a bearer token, so a leaked key cannot mint or revoke keys.
    private static readonly AuthorizeAttribute BearerOnly = new() { AuthenticationSchemes = JwtBearerDefaults.AuthenticationScheme };

    /// <summary>Maps the key endpoints.</summary>
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup(BasePath).WithTags("API keys");

        keys.MapPost("/", CreateAsync)
            .RequireAuthorization(Policies.Staff)
            .RequireAuthorization(BearerOnly)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key for the caller. The response shows the secret once.");

        keys.MapGet("/", ListAsync)
            .RequireAuthorization(Policies.Staff)
            .WithName("ListApiKeys")
            .WithSummary("List the caller's API keys (administrators: every key), without secrets.");

        keys.MapDelete("/{key_hash}", RevokeAsync)
            .RequireAuthorization(Policies.Staff)
            .RequireAuthorization(BearerOnly)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key. Every API instance rejects it within one second.");

        keys.MapGet("/tiers", GetTiers)
            .AllowAnonymous()
            .WithName("ListApiKeyTiers")
            .WithSummary("List the tiers and their limits per window.");

        keys.MapGet("/usage/{key_hash}", GetUsageAsync)
            .RequireAuthorization(Policies.Staff)
            .WithName("GetApiKeyUsage")
            .WithSummary("Get a key's requests and rejected requests per day and its current windows.");

        return app;
    }

    /// <summary>Creates a key and returns its secret, the only time it is shown.</summary>
    public static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal principal, ApiKeyService keys, TimeProvider clock,
        IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(principal, out var caller))
        {
            return MissingUserId();
        }

        var result = await keys.CreateAsync(request, caller, cancellationToken);
        if (result is CreateApiKeyResult.Created newKey)
        {
            // The hash names the key; the secret never reaches the audit log.
            await audit.WriteAsync(new AuditEvent(AuditEventKinds.ApiKeyCreated, Callers.Identify(principal),
                RequestSecurityMiddleware.ClientAddress(context), newKey.Key.KeyHash,
                new Dictionary<string, string?>
                {
                    ["name"] = newKey.Key.Name,
                    ["tier"] = newKey.Key.Tier.ToString(),
                    ["scopes"] = newKey.Key.Scopes.ToString(),
                }), cancellationToken);
        }

        return result switch
        {
            CreateApiKeyResult.Invalid invalid => (ValidationProblem)invalid.Validation.ToProblem(),
            CreateApiKeyResult.AdminScopeDenied => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Access denied.",
                detail: "Only administrators may grant the admin scope. Ask for read or write, or ask an administrator."),
            CreateApiKeyResult.Created created => TypedResults.Created(
                $"{BasePath}/usage/{created.Key.KeyHash}",
                new CreatedApiKeyResponse(created.Secret, ApiKeyResponse.From(created.Key, clock.GetUtcNow()))),
            _ => throw new InvalidOperationException($"Unhandled create result {result.GetType().Name}."),
        };
    }

    /// <summary>Lists keys without secrets.</summary>
    public static async Task<Results<Ok<List<ApiKeyResponse>>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, ApiKeyService keys, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(principal, out var caller))
        {
            return MissingUserId();
        }

        var now = clock.GetUtcNow();
        var list = await keys.ListAsync(caller, cancellationToken);
        return TypedResults.Ok(list.Select(key => ApiKeyResponse.From(key, now)).ToList());
    }

    /// <summary>Revokes a key of the caller, or any key for an administrator.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        [FromRoute(Name = "key_hash")] string keyHash, ClaimsPrincipal principal, ApiKeyService keys,
        IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(principal, out var caller))
        {
            return MissingUserId();
        }

        if (!ApiKeySecrets.IsHash(keyHash))
        {
            return InvalidHash(keyHash);
        }

        if (!await keys.RevokeAsync(keyHash, caller, cancellationToken))
        {
            return KeyNotFound(keyHash);
        }

        await audit.WriteAsync(new AuditEvent(AuditEventKinds.ApiKeyRevoked, Callers.Identify(principal),
            RequestSecurityMiddleware.ClientAddress(context), keyHash), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Returns the configured tiers and limits.</summary>
    public static Ok<TiersResponse> GetTiers(IOptionsMonitor<RateLimitingOptions> options)
    {
        var settings = options.CurrentValue;
        var tiers = Enum.GetValues<ApiKeyTier>()
            .Select(tier => new TierResponse(tier, LimitsResponse.From(settings.Tiers[tier])))
            .ToList();
        var multipliers = Enum.GetValues<StaffRole>()
            .ToDictionary(role => role.ToString(), role => settings.RoleMultipliers.GetValueOrDefault(role, 1), StringComparer.Ordinal);
        return TypedResults.Ok(new TiersResponse(settings.Window.TotalSeconds, tiers, ApiKeyTier.Standard, multipliers,
            LimitsResponse.From(settings.Anonymous)));
    }

    /// <summary>Returns a key's usage per day and its current windows.</summary>
    public static async Task<Results<Ok<ApiKeyUsageResponse>, ProblemHttpResult>> GetUsageAsync(
        [FromRoute(Name = "key_hash")] string keyHash, ClaimsPrincipal principal, ApiKeyService keys,
        IAuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(principal, out var caller))
        {
            return MissingUserId();
        }

        if (!ApiKeySecrets.IsHash(keyHash))
        {
            return InvalidHash(keyHash);
        }

        var key = await keys.FindAsync(keyHash, caller, tracking: false, cancellationToken);
        return key is null
            ? KeyNotFound(keyHash)
            : TypedResults.Ok(await keys.GetUsageAsync(key, cancellationToken));
    }

    private static bool TryGetCaller(ClaimsPrincipal principal, out ApiKeyCaller caller)
    {
        var found = principal.TryGetUserId(out var userId);
        caller = new ApiKeyCaller(userId, principal.IsInRole(nameof(StaffRole.Admin)), Callers.Identify(principal));
        return found;
    }

    private static ProblemHttpResult MissingUserId() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required.",
        detail: "The credentials carry no valid user id. Sign in again.");

    private static ProblemHttpResult InvalidHash(string keyHash) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "Invalid key hash.",
        detail: $"key_hash must be the 64 lower-case hex digits that GET {BasePath}/ returns as keyHash, but it is '{Truncate(keyHash)}'.");

    private static ProblemHttpResult KeyNotFound(string keyHash) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "The API key was not found.",
        detail: $"No key of yours has keyHash {keyHash}. List your keys at GET {BasePath}/.");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
