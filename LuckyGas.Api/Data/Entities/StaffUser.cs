namespace LuckyGas.Api.Data.Entities;

/// <summary>The roles staff sign in with, from the most to the least privileged.</summary>
public enum StaffRole
{
    Admin,
    Manager,
    Dispatcher,
    Driver,
}

/// <summary>A staff account that signs in with a password.</summary>
public sealed class StaffUser
{
    public long Id { get; set; }

    public required string UserName { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>The password hash from ASP.NET Core Identity's password hasher.</summary>
    public required string PasswordHash { get; set; }

    public StaffRole Role { get; set; }

    public bool Active { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
