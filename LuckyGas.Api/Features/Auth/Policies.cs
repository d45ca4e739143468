using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.ApiKeys;
using Microsoft.AspNetCore.Authorization;

namespace LuckyGas.Api.Features.Auth;

/// <summary>
/// Authorization policy names by the work they allow, for
/// <c>.RequireAuthorization(Policies.Dispatch)</c> on an endpoint or group. Each policy requires
/// a valid staff bearer token whose role is in the policy's list.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in staff member.</summary>
    public const string Staff = "Staff";

    /// <summary>Administrators only.</summary>
    public const string Admin = "Admin";

    /// <summary>Administrators and managers.</summary>
    public const string Manage = "Manage";

    /// <summary>Administrators, managers and dispatchers.</summary>
    public const string Dispatch = "Dispatch";

    /// <summary>Administrators, managers, dispatchers and drivers.</summary>
    public const string Drive = "Drive";

    /// <summary>The roles each policy allows.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<StaffRole>> Roles { get; } =
        new Dictionary<string, IReadOnlyList<StaffRole>>(StringComparer.Ordinal)
        {
            [Staff] = Enum.GetValues<StaffRole>(),
            [Admin] = [StaffRole.Admin],
            [Manage] = [StaffRole.Admin, StaffRole.Manager],
            [Dispatch] = [StaffRole.Admin, StaffRole.Manager, StaffRole.Dispatcher],
            [Drive] = [StaffRole.Admin, StaffRole.Manager, StaffRole.Dispatcher, StaffRole.Driver],
        };

    /// <summary>
    /// Adds every policy in <see cref="Roles"/>, each checking the caller's role claim and, for a
    /// request with an API key, the key's scopes (the <see cref="Admin"/> policy also needs the
    /// admin scope).
    /// </summary>
    internal static AuthorizationBuilder AddStaffPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (name, roles) in Roles)
        {
            authorization.AddPolicy(name, policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(roles.Select(role => role.ToString()))
                .AddRequirements(new ApiKeyScopeRequirement(RequiresAdmin: name == Admin)));
        }

        return authorization;
    }
}
