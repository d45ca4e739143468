using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Auth;

/// <summary>A sign-in request.</summary>
/// <param name="UserName">The user name, in any case.</param>
/// <param name="Password">The password.</param>
public sealed record TokenRequest(string? UserName, string? Password);

/// <summary>A bearer token for a signed-in staff member.</summary>
/// <param name="AccessToken">The JWT to send as <c>Authorization: Bearer {AccessToken}</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresAt">When the token expires (UTC), one shift after sign-in.</param>
/// <param name="UserName">The signed-in user name.</param>
/// <param name="Role">The role the token grants.</param>
public sealed record TokenResponse(
    string AccessToken, string TokenType, DateTimeOffset ExpiresAt, string UserName, StaffRole Role);

/// <summary>The signed-in staff member.</summary>
public sealed record CurrentUserResponse(long Id, string UserName, string DisplayName, StaffRole Role);

/// <summary>A new staff account.</summary>
/// <param name="UserName">3 to 64 ASCII letters, digits, dots, hyphens or underscores, stored in lower case.</param>
/// <param name="DisplayName">The name shown to other staff, at most 100 characters.</param>
/// <param name="Password">At least 12 and at most 256 characters.</param>
/// <param name="Role">Admin, Manager, Dispatcher or Driver, in any case.</param>
public sealed record CreateStaffUserRequest(string? UserName, string? DisplayName, string? Password, string? Role);

/// <summary>A change to a staff account. Fields left out stay unchanged, but at least one is required.</summary>
/// <param name="Role">The new role: Admin, Manager, Dispatcher or Driver, in any case.</param>
/// <param name="Active">Whether the account may sign in and use its tokens.</param>
public sealed record UpdateStaffUserRequest(string? Role, bool? Active);

/// <summary>A staff account as the API returns it, without its password hash. Times are UTC.</summary>
public sealed record StaffUserResponse(
    long Id, string UserName, string DisplayName, StaffRole Role, bool Active, DateTimeOffset CreatedAt)
{
    /// <summary>Maps a staff user entity.</summary>
    public static StaffUserResponse From(StaffUser user) =>
        new(user.Id, user.UserName, user.DisplayName, user.Role, user.Active, user.CreatedAt);
}
