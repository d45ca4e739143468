using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LuckyGas.Api.Features.Auth;

/// <summary>
/// The claims of a staff bearer token. Inbound claims keep their JWT names, so
/// <c>User.Identity.Name</c> is the user name and role checks read the <c>role</c> claim.
/// </summary>
public static class StaffClaims
{
    /// <summary>The user id, as a decimal string.</summary>
    public const string UserId = JwtRegisteredClaimNames.Sub;

    /// <summary>The user name.</summary>
    public const string UserName = JwtRegisteredClaimNames.Name;

    /// <summary>The role name, one of <see cref="Data.Entities.StaffRole"/>.</summary>
    public const string Role = "role";

    /// <summary>Reads the user id from the <see cref="UserId"/> claim.</summary>
    public static bool TryGetUserId(this ClaimsPrincipal principal, out long userId) =>
        long.TryParse(principal.FindFirstValue(UserId), NumberStyles.None, CultureInfo.InvariantCulture, out userId);
}
