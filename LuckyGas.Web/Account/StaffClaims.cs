using System.Security.Claims;

namespace LuckyGas.Web.Account;

/// <summary>
/// The claims of a signed-in member of staff, kept in the encrypted sign-in cookie. The API's
/// bearer token is one of them, so it stays on the server: the browser holds only the cookie,
/// which it cannot read (HttpOnly) or decrypt.
/// </summary>
public static class StaffClaims
{
    /// <summary>The API bearer token.</summary>
    public const string AccessToken = "luckygas:access_token";

    /// <summary>When the bearer token expires, as Unix seconds.</summary>
    public const string ExpiresAt = "luckygas:expires_at";

    /// <summary>The role names the API uses.</summary>
    public static class Roles
    {
        public const string Admin = "Admin";
        public const string Manager = "Manager";
        public const string Dispatcher = "Dispatcher";
        public const string Driver = "Driver";

        /// <summary>Roles that may take and move orders and assign drivers.</summary>
        public const string Dispatch = Admin + "," + Manager + "," + Dispatcher;

    }

    /// <summary>Returns the API bearer token of a signed-in user, or null.</summary>
    public static string? GetAccessToken(this ClaimsPrincipal user) => user.FindFirstValue(AccessToken);

    /// <summary>Returns whether the user's role may dispatch (admin, manager, dispatcher).</summary>
    public static bool CanDispatch(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager) || user.IsInRole(Roles.Dispatcher);
}
