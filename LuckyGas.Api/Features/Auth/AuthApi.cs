using System.Diagnostics;
using System.Security.Claims;
using LuckyGas.Api.Data;
using LuckyGas.Api.Features.Audit;
using LuckyGas.Api.Features.Security;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Auth;

/// <summary>The staff sign-in and account endpoints under <c>/api/v1/auth</c>.</summary>
public static class AuthApi
{
    /// <summary>The route prefix of every auth endpoint.</summary>
    public const string BasePath = "/api/v1/auth";

    /// <summary>The sign-in endpoint, which issues bearer tokens.</summary>
    public const string TokenPath = BasePath + "/token";

    /// <summary>Maps the auth endpoints, each with the policy it requires.</summary>
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(BasePath).WithTags("Auth").WithRequestBodyLimit(RequestBodyLimits.Small);

        api.MapPost("/token", CreateToken)
            .AllowAnonymous()
            .WithName("CreateToken")
            .WithSummary("Sign in with a user name and password and get a bearer token for one shift.");

        api.MapGet("/me", GetCurrentUser)
            .RequireAuthorization(Policies.Staff)
            .WithName("GetCurrentUser")
            .WithSummary("Get the signed-in staff member.");

        api.MapGet("/users", ListUsers)
            .RequireAuthorization(Policies.Manage)
            .WithName("ListStaffUsers")
            .WithSummary("List every staff account, without password hashes.");

        api.MapGet("/users/{id:long}", GetUser)
            .RequireAuthorization(Policies.Manage)
            .WithName("GetStaffUser")
            .WithSummary("Get one staff account.");

        api.MapPost("/users", CreateUser)
            .RequireAuthorization(Policies.Admin)
            .WithName("CreateStaffUser")
            .WithSummary("Create a staff account.");

        api.MapPatch("/users/{id:long}", UpdateUser)
            .RequireAuthorization(Policies.Admin)
            .WithName("UpdateStaffUser")
            .WithSummary("Change a staff account's role or active flag.");

        return app;
    }

    /// <summary>
    /// Signs in. A wrong user name and a wrong password return the same 401. Successful and
    /// rejected sign-ins are audited with the user name, never the password.
    /// </summary>
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> CreateToken(
        TokenRequest request, HttpContext context, StaffAccountService accounts, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        var result = await accounts.SignInAsync(request, cancellationToken);
        await AuditSignInAsync(request, result, context, audit, cancellationToken);
        return result switch
        {
            StaffSignInResult.Invalid invalid => ToValidationProblem(invalid.Validation),
            StaffSignInResult.Rejected rejected => Problem(
                StatusCodes.Status401Unauthorized, "Sign-in failed.", rejected.Detail),
            StaffSignInResult.SignedIn signedIn => TypedResults.Ok(new TokenResponse(
                signedIn.Token.AccessToken,
                "Bearer",
                signedIn.Token.ExpiresAt,
                signedIn.User.UserName,
                signedIn.User.Role)),
            _ => throw new UnreachableException($"Unhandled sign-in result {result.GetType().Name}."),
        };
    }

    /// <summary>Returns the caller's account, read from the primary like the token check before it.</summary>
    public static async Task<Results<Ok<CurrentUserResponse>, ProblemHttpResult>> GetCurrentUser(
        ClaimsPrincipal principal, WriteDbContext database, CancellationToken cancellationToken)
    {
        if (!principal.TryGetUserId(out var userId))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Authentication required.",
                "The bearer token has no valid user id in its sub claim.");
        }

        var user = await database.StaffUsers.AsNoTracking()
            .SingleOrDefaultAsync(candidate => candidate.Id == userId, cancellationToken);
        if (user is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Staff user not found.",
                $"No staff account has id {userId}.");
        }

        return TypedResults.Ok(new CurrentUserResponse(user.Id, user.UserName, user.DisplayName, user.Role));
    }

    /// <summary>
    /// Lists every account by user name, from a standby unless the request sends a consistency
    /// token that the standby has not replayed yet.
    /// </summary>
    public static async Task<Ok<List<StaffUserResponse>>> ListUsers(
        ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        var users = await database.StaffUsers.AsNoTracking()
            .OrderBy(user => user.UserName)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(users.Select(StaffUserResponse.From).ToList());
    }

    /// <summary>Returns one account, read like <see cref="ListUsers"/>.</summary>
    public static async Task<Results<Ok<StaffUserResponse>, ProblemHttpResult>> GetUser(
        long id, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        var user = await database.StaffUsers.AsNoTracking()
            .SingleOrDefaultAsync(candidate => candidate.Id == id, cancellationToken);
        return user is null
            ? Problem(StatusCodes.Status404NotFound, "Staff user not found.", $"No staff account has id {id}.")
            : TypedResults.Ok(StaffUserResponse.From(user));
    }

    /// <summary>
    /// Creates an account, or returns 409 when the user name is taken. The response carries a
    /// consistency token, so that reads which send it back see the new account.
    /// </summary>
    public static async Task<Results<Created<StaffUserResponse>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateStaffUserRequest request, ClaimsPrincipal principal, HttpContext context, WriteDbContext database,
        StaffAccountService accounts, IAuditLog audit, CancellationToken cancellationToken)
    {
        var result = await accounts.CreateAsync(request, Callers.Identify(principal), cancellationToken);
        if (result is CreateStaffUserResult.Created newUser)
        {
            await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
            await audit.WriteAsync(new AuditEvent(AuditEventKinds.StaffCreated, Callers.Identify(principal),
                RequestSecurityMiddleware.ClientAddress(context), newUser.User.UserName,
                new Dictionary<string, string?> { ["role"] = newUser.User.Role.ToString() }), cancellationToken);
        }

        return result switch
        {
            CreateStaffUserResult.Invalid invalid => ToValidationProblem(invalid.Validation),
            CreateStaffUserResult.Duplicate duplicate => Problem(StatusCodes.Status409Conflict, "User name taken.",
                $"A staff account with user name '{duplicate.UserName}' already exists. Choose another user name."),
            CreateStaffUserResult.Created created => TypedResults.Created(
                $"{BasePath}/users/{created.User.Id}", StaffUserResponse.From(created.User)),
            _ => throw new UnreachableException($"Unhandled create result {result.GetType().Name}."),
        };
    }

    /// <summary>
    /// Changes an account's role or active flag. Administrators cannot demote or deactivate
    /// themselves. A successful response carries a consistency token like <see cref="CreateUser"/>.
    /// </summary>
    public static async Task<Results<Ok<StaffUserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        long id, UpdateStaffUserRequest request, ClaimsPrincipal principal, HttpContext context,
        WriteDbContext database, StaffAccountService accounts, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (!principal.TryGetUserId(out var callerId))
        {
            return Problem(StatusCodes.Status401Unauthorized, "Authentication required.",
                "The bearer token has no valid user id in its sub claim.");
        }

        var result = await accounts.UpdateAsync(id, request, callerId, Callers.Identify(principal), cancellationToken);
        if (result is UpdateStaffUserResult.Updated changed)
        {
            await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
            await audit.WriteAsync(new AuditEvent(AuditEventKinds.StaffChanged, Callers.Identify(principal),
                RequestSecurityMiddleware.ClientAddress(context), changed.User.UserName,
                new Dictionary<string, string?>
                {
                    ["role"] = changed.User.Role.ToString(),
                    ["active"] = changed.User.Active ? "true" : "false",
                    ["requestedRole"] = request.Role,
                    ["requestedActive"] = request.Active?.ToString(),
                }), cancellationToken);
        }

        return result switch
        {
            UpdateStaffUserResult.Invalid invalid => ToValidationProblem(invalid.Validation),
            UpdateStaffUserResult.NotFound => Problem(StatusCodes.Status404NotFound, "Staff user not found.",
                $"No staff account has id {id}."),
            UpdateStaffUserResult.SelfLockout => Problem(StatusCodes.Status409Conflict, "Cannot change own account.",
                "Administrators cannot demote or deactivate their own account. Ask another administrator."),
            UpdateStaffUserResult.CallerNotAdmin => Problem(StatusCodes.Status403Forbidden, "Access denied.",
                "Your account is no longer an active administrator. Sign in again."),
            UpdateStaffUserResult.Updated updated => TypedResults.Ok(StaffUserResponse.From(updated.User)),
            _ => throw new UnreachableException($"Unhandled update result {result.GetType().Name}."),
        };
    }

    private static Task AuditSignInAsync(
        TokenRequest request, StaffSignInResult result, HttpContext context, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        var clientIp = RequestSecurityMiddleware.ClientAddress(context);
        var userName = string.IsNullOrWhiteSpace(request.UserName)
            ? null
            : StaffUserRules.NormalizeUserName(request.UserName);
        var auditEvent = result switch
        {
            StaffSignInResult.SignedIn signedIn => new AuditEvent(AuditEventKinds.SignInSucceeded,
                $"user:{signedIn.User.UserName}", clientIp, signedIn.User.UserName,
                new Dictionary<string, string?> { ["role"] = signedIn.User.Role.ToString() }),
            StaffSignInResult.Rejected rejected => new AuditEvent(AuditEventKinds.SignInFailed, "anonymous", clientIp,
                userName, new Dictionary<string, string?> { ["reason"] = rejected.Detail }),
            _ => new AuditEvent(AuditEventKinds.SignInFailed, "anonymous", clientIp, userName,
                new Dictionary<string, string?> { ["reason"] = "The request has invalid fields." }),
        };
        return audit.WriteAsync(auditEvent, cancellationToken);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    // Validation.ToProblem returns a TypedResults.ValidationProblem typed as IResult. The cast
    // restores its type, so that the endpoint's Results<> union describes the 400.
    private static ValidationProblem ToValidationProblem(Validation validation) =>
        (ValidationProblem)validation.ToProblem();
}
