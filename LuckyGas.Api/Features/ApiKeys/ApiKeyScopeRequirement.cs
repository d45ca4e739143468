using System.Globalization;
using LuckyGas.Api.Data.Entities;
using Microsoft.AspNetCore.Authorization;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>
/// Limits a request made with an API key to the key's scopes: <c>read</c> for safe methods,
/// <c>write</c> for the others, and also <c>admin</c> where <see cref="RequiresAdmin"/> is set.
/// Requests with a bearer token always meet it.
/// </summary>
/// <param name="RequiresAdmin">Whether the endpoint is for administrators only.</param>
public sealed record ApiKeyScopeRequirement(bool RequiresAdmin) : IAuthorizationRequirement;

/// <summary>Checks <see cref="ApiKeyScopeRequirement"/> against the key's scope claim and the request method.</summary>
internal sealed class ApiKeyScopeHandler(IHttpContextAccessor http) : AuthorizationHandler<ApiKeyScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiKeyScopeRequirement requirement)
    {
        var scopesClaim = context.User.FindFirst(ApiKeyAuthenticationHandler.ScopesClaim);
        if (scopesClaim is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var scopes = (ApiKeyScopes)int.Parse(scopesClaim.Value, NumberStyles.None, CultureInfo.InvariantCulture);
        var method = http.HttpContext?.Request.Method ?? HttpMethods.Get;
        var needed = ApiKeyScopeRules.Required(method, requirement.RequiresAdmin);
        if ((scopes & needed) == needed)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this,
                $"The API key lacks the scopes {ApiKeyScopeRules.Format(needed & ~scopes)} that this request needs."));
        }

        return Task.CompletedTask;
    }
}

/// <summary>Maps request methods to scopes and scopes to their names.</summary>
public static class ApiKeyScopeRules
{
    /// <summary>Returns the scopes a request needs: read or write by its method, plus admin on admin endpoints.</summary>
    public static ApiKeyScopes Required(string method, bool adminEndpoint)
    {
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
        var scopes = safe ? ApiKeyScopes.Read : ApiKeyScopes.Write;
        return adminEndpoint ? scopes | ApiKeyScopes.Admin : scopes;
    }

    /// <summary>Returns the scope names in lower case, such as <c>["read", "write"]</c>.</summary>
    public static IReadOnlyList<string> Names(ApiKeyScopes scopes) =>
        Enum.GetValues<ApiKeyScopes>()
            .Where(scope => scope != ApiKeyScopes.None && scopes.HasFlag(scope))
            .Select(scope => scope.ToString().ToLowerInvariant())
            .ToList();

    /// <summary>Returns the scope names joined by commas.</summary>
    public static string Format(ApiKeyScopes scopes) => string.Join(", ", Names(scopes));
}
