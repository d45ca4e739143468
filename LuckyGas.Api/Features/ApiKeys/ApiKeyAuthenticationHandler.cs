using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using LuckyGas.Api.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>
/// Authenticates requests that send <c>X-API-Key</c> as the key owner's identity, with the key's
/// id, tier and scopes as extra claims.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    ApiKeyValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The authentication scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries the key.</summary>
    public const string HeaderName = "X-API-Key";

    /// <summary>The claim with the key's database id.</summary>
    public const string KeyIdClaim = "api_key_id";

    /// <summary>The claim with the key's hash, its public id.</summary>
    public const string KeyHashClaim = "api_key_hash";

    /// <summary>The claim with the key's tier.</summary>
    public const string TierClaim = "api_key_tier";

    /// <summary>The claim with the key's scopes, as the flag bits of <see cref="Data.Entities.ApiKeyScopes"/>.</summary>
    public const string ScopesClaim = "api_key_scopes";

    private const string UnknownKeyDetail =
        "The API key is malformed, unknown, revoked or expired. Create a new key at POST /api/v1/api-keys/.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return AuthenticateResult.Fail($"Send exactly one {HeaderName} header with one key.");
        }

        var identity = await validator.ValidateAsync(values[0]!, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail(UnknownKeyDetail);
        }

        Context.Features.Set(identity);
        var claims = new List<Claim>
        {
            new(StaffClaims.UserId, identity.OwnerId.ToString(CultureInfo.InvariantCulture)),
            new(StaffClaims.UserName, identity.OwnerName),
            new(StaffClaims.Role, identity.OwnerRole.ToString()),
            new(KeyIdClaim, identity.KeyId.ToString(CultureInfo.InvariantCulture)),
            new(KeyHashClaim, identity.KeyHash),
            new(TierClaim, identity.Tier.ToString()),
            new(ScopesClaim, ((int)identity.Scopes).ToString(CultureInfo.InvariantCulture)),
        };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, StaffClaims.UserName, StaffClaims.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Writes 403 as problem details naming the owner's role and the key's scopes.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = Context.User.FindFirstValue(StaffClaims.Role) ?? "none";
        var scopes = Context.User.FindFirstValue(ScopesClaim) is { } bits
            ? ApiKeyScopeRules.Format((Data.Entities.ApiKeyScopes)int.Parse(bits, CultureInfo.InvariantCulture))
            : "none";
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Access denied.",
                Detail = $"This API key (owner role {role}, scopes {scopes}) does not allow this request. " +
                    "Read needs the read scope, other methods the write scope, admin endpoints also the admin scope.",
            },
        }).AsTask();
    }

    /// <summary>Writes 401 as problem details naming why the key was rejected.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication required.",
                Detail = result.Failure?.Message ?? $"This request requires an API key in {HeaderName} or a bearer token.",
            },
        });
    }
}
