using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Data;

/// <summary>
/// Creates the first administrator account, <c>admin</c>, after migrations, so that someone can
/// sign in and create the other staff accounts.
/// </summary>
public static partial class AdminBootstrap
{
    /// <summary>The user name of the bootstrapped account.</summary>
    public const string UserName = "admin";

    /// <summary>The display name of the bootstrapped account.</summary>
    public const string DisplayName = "Administrator";

    /// <summary>The configuration key of the bootstrapped account's password.</summary>
    public const string PasswordKey = "Auth:AdminPassword";

    /// <summary>
    /// Creates the <c>admin</c> account with <paramref name="password"/> unless an account with
    /// that user name exists, which is left unchanged. A missing or too short password is logged
    /// and skipped instead of failing the migrations. Concurrent migrators are safe, because the
    /// insert does nothing when the unique user name index already contains the row.
    /// </summary>
    public static async Task EnsureAdminAsync(
        string connectionString, string? password, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password))
        {
            LogPasswordMissing(logger, PasswordKey);
            return;
        }

        if (password.Length is < StaffPasswords.MinLength or > StaffPasswords.MaxLength)
        {
            LogPasswordLength(logger, PasswordKey, StaffPasswords.MinLength, StaffPasswords.MaxLength);
            return;
        }

        var options = new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .Options;
        await using var database = new WriteDbContext(options);

        if (await database.StaffUsers.AnyAsync(user => user.UserName == UserName, cancellationToken))
        {
            LogExists(logger, UserName);
            return;
        }

        var admin = new StaffUser
        {
            UserName = UserName,
            DisplayName = DisplayName,
            PasswordHash = "",
            Role = StaffRole.Admin,
            Active = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        admin.PasswordHash = new PasswordHasher<StaffUser>().HashPassword(admin, password);

        var role = admin.Role.ToString();
        var inserted = await database.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO staff_users (user_name, display_name, password_hash, role, active, created_at)
            VALUES ({admin.UserName}, {admin.DisplayName}, {admin.PasswordHash}, {role}, {admin.Active},
                    {admin.CreatedAt})
            ON CONFLICT (user_name) DO NOTHING
            """,
            cancellationToken);

        if (inserted == 0)
        {
            // Another migrator inserted it between the check and the insert.
            LogExists(logger, UserName);
            return;
        }

        LogCreated(logger, UserName);
    }

    [LoggerMessage(EventId = 3050, EventName = "AdminBootstrapPasswordMissing", Level = LogLevel.Warning,
        Message = "Skipped creating the admin account because {ConfigurationKey} is not set. " +
            "Set it (the AppHost passes its admin-password parameter) and run the migrations again")]
    private static partial void LogPasswordMissing(ILogger logger, string configurationKey);

    [LoggerMessage(EventId = 3051, EventName = "AdminBootstrapPasswordLength", Level = LogLevel.Warning,
        Message = "Skipped creating the admin account because {ConfigurationKey} is not {MinLength} to " +
            "{MaxLength} characters long. Set a valid password and run the migrations again")]
    private static partial void LogPasswordLength(
        ILogger logger, string configurationKey, int minLength, int maxLength);

    [LoggerMessage(EventId = 3052, EventName = "AdminBootstrapExists", Level = LogLevel.Information,
        Message = "The staff account {UserName} exists, so it was left unchanged")]
    private static partial void LogExists(ILogger logger, string userName);

    [LoggerMessage(EventId = 3053, EventName = "AdminBootstrapCreated", Level = LogLevel.Information,
        Message = "Created the staff account {UserName} with role Admin from the configured password")]
    private static partial void LogCreated(ILogger logger, string userName);
}
