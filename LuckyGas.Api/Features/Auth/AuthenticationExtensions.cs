using System.Security.Claims;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LuckyGas.Api.Features.Auth;

/// <summary>Registers staff sign-in: JWT bearer authentication, the role policies and the account services.</summary>
public static partial class AuthenticationExtensions
{
    // Accepted difference between the clocks of the API instances, for exp and nbf.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Adds HS256 JWT bearer authentication configured from the <c>Auth</c> section, the policies
    /// in <see cref="Policies"/>, and the services behind the auth endpoints. The application
    /// fails at start when <c>Auth:SigningKey</c> is missing or shorter than 32 bytes.
    /// </summary>
    public static WebApplicationBuilder AddStaffAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<StaffUser>, PasswordHasher<StaffUser>>();
        builder.Services.AddSingleton<StaffPasswords>();
        builder.Services.AddSingleton<StaffTokenIssuer>();
        builder.Services.AddScoped<StaffAccountService>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((bearer, auth) => ConfigureBearer(bearer, auth.Value));

        builder.Services.AddAuthorizationBuilder()
            .AddStaffPolicies();

        return builder;
    }

    private static void ConfigureBearer(JwtBearerOptions bearer, AuthOptions auth)
    {
        // Claims keep their JWT names (sub, name, role) instead of the long WS-* claim type URIs.
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = auth.CreateSigningKey(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = StaffClaims.UserName,
            RoleClaimType = StaffClaims.Role,
            ClockSkew = ClockSkew,
        };
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = CheckAccountAsync,
            OnChallenge = WriteChallengeAsync,
            OnForbidden = WriteForbiddenAsync,
        };
    }

    /// <summary>
    /// Rejects a validly signed token whose account is missing, deactivated or has another role
    /// now. This costs one primary-key read per authenticated request, so that deactivation and
    /// role changes take effect at once instead of when the 8-hour token expires.
    /// </summary>
    private static async Task CheckAccountAsync(TokenValidatedContext context)
    {
        var principal = context.Principal;
        if (principal is null || !principal.TryGetUserId(out var userId))
        {
            context.Fail("The bearer token has no valid user id in its sub claim.");
            return;
        }

        // The primary, because a replica could still show an account as active after it was deactivated.
        var database = context.HttpContext.RequestServices.GetRequiredService<WriteDbContext>();
        var user = await database.StaffUsers.AsNoTracking()
            .SingleOrDefaultAsync(candidate => candidate.Id == userId, context.HttpContext.RequestAborted);

        var tokenRole = principal.FindFirstValue(StaffClaims.Role);
        var reason = user switch
        {
            null => "The account of this bearer token no longer exists.",
            { Active: false } => "The account of this bearer token is deactivated.",
            _ when tokenRole != user.Role.ToString() =>
                "The role of this account changed after the bearer token was issued.",
            _ => null,
        };
        if (reason is not null)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger(typeof(AuthenticationExtensions));
            LogTokenRejected(logger, userId, reason);
            context.Fail(reason);
        }
    }

    /// <summary>Writes 401 as problem details, with the RFC 6750 <c>WWW-Authenticate</c> header.</summary>
    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();

        // As RFC 6750 section 3 describes, a request without a token gets a bare challenge and a
        // rejected token gets the invalid_token error code.
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
            ? JwtBearerDefaults.AuthenticationScheme
            : $"{JwtBearerDefaults.AuthenticationScheme} error=\"invalid_token\"";

        var signIn = $"Sign in at POST {AuthApi.TokenPath} and send the token as 'Authorization: Bearer <token>'.";
        var detail = context.AuthenticateFailure switch
        {
            null => $"This request requires a bearer token. {signIn}",
            SecurityTokenExpiredException => $"The bearer token expired. {signIn}",
            AuthenticationFailureException failure => $"{failure.Message} {signIn}",
            _ => $"The bearer token is invalid: its signature, issuer, audience or format was rejected. {signIn}",
        };

        await WriteProblemAsync(
            context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication required.", detail);
    }

    /// <summary>Writes 403 as problem details, naming the caller's role.</summary>
    private static Task WriteForbiddenAsync(ForbiddenContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var role = context.HttpContext.User.FindFirstValue(StaffClaims.Role) ?? "none";
        var detail = $"The role {role} does not allow this request. Ask an administrator if you need it.";
        return WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Access denied.", detail);
    }

    private static async Task WriteProblemAsync(HttpContext httpContext, int status, string title, string detail)
    {
        var problemDetails = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(EventId = 3020, EventName = "StaffTokenRejected", Level = LogLevel.Information,
        Message = "Rejected a bearer token of staff user {UserId}: {Reason}")]
    private static partial void LogTokenRejected(ILogger logger, long userId, string reason);
}
