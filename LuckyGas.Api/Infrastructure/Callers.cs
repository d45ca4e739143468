using System.Security.Claims;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Names the caller of a request, for audit fields and idempotency scopes.</summary>
public static class Callers
{
    /// <summary>
    /// Returns <c>user:{name}</c> for a signed-in user, <c>key:{id}</c> for an API key, or
    /// <c>anonymous</c>.
    /// </summary>
    public static string Identify(ClaimsPrincipal user)
    {
        var name = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
        if (name is null)
        {
            return "anonymous";
        }

        return user.HasClaim(claim => claim.Type == "api_key_id") ? $"key:{name}" : $"user:{name}";
    }
}
