using System.Text.RegularExpressions;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Features.Auth;

/// <summary>The rules for staff account fields, each reported under its JSON field name.</summary>
public static partial class StaffUserRules
{
    /// <summary>The minimum user name length in characters.</summary>
    public const int MinUserNameLength = 3;

    /// <summary>The maximum user name length in characters, the column's length.</summary>
    public const int MaxUserNameLength = 64;

    /// <summary>The maximum display name length in characters, the column's length.</summary>
    public const int MaxDisplayNameLength = 100;

    private static readonly string RoleNames = string.Join(", ", Enum.GetNames<StaffRole>());

    /// <summary>
    /// Returns the stored form of a user name: lower case, so that user names are unique and
    /// signed in with regardless of case.
    /// </summary>
    public static string NormalizeUserName(string userName) => userName.Trim().ToLowerInvariant();

    /// <summary>Checks <c>userName</c>: 3 to 64 ASCII letters, digits, dots, hyphens or underscores.</summary>
    public static void ValidateUserName(Validation validation, string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            validation.Add("userName", "userName is required.");
            return;
        }

        validation.Require(userName.Length is >= MinUserNameLength and <= MaxUserNameLength, "userName",
            $"userName must be {MinUserNameLength} to {MaxUserNameLength} characters long, " +
            $"but it has {userName.Length}.");
        validation.Require(UserNamePattern().IsMatch(userName), "userName",
            "userName may contain only ASCII letters, digits, '.', '-' and '_'.");
    }

    /// <summary>Checks <c>displayName</c>: not blank, at most 100 characters after trimming.</summary>
    public static void ValidateDisplayName(Validation validation, string? displayName)
    {
        var trimmed = displayName?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            validation.Add("displayName", "displayName is required.");
            return;
        }

        validation.Require(trimmed.Length <= MaxDisplayNameLength, "displayName",
            $"displayName must be at most {MaxDisplayNameLength} characters long, but it has {trimmed.Length}.");
    }

    /// <summary>Checks a new <c>password</c>: 12 to 256 characters. The message never contains the password.</summary>
    public static void ValidatePassword(Validation validation, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            validation.Add("password", "password is required.");
            return;
        }

        validation.Require(password.Length is >= StaffPasswords.MinLength and <= StaffPasswords.MaxLength, "password",
            $"password must be {StaffPasswords.MinLength} to {StaffPasswords.MaxLength} characters long, " +
            $"but it has {password.Length}.");
    }

    /// <summary>
    /// Checks <c>role</c> against the role names, ignoring case, and returns the role, or null when
    /// it is missing or invalid. Numbers are rejected, so that a reordered enum cannot change a
    /// request's meaning.
    /// </summary>
    public static StaffRole? ValidateRole(Validation validation, string? role, bool required)
    {
        if (string.IsNullOrEmpty(role))
        {
            if (required)
            {
                validation.Add("role", $"role is required: one of {RoleNames}.");
            }

            return null;
        }

        var name = Enum.GetNames<StaffRole>()
            .FirstOrDefault(candidate => string.Equals(candidate, role, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            validation.Add("role", $"role must be one of {RoleNames}, but it is '{role}'.");
            return null;
        }

        return Enum.Parse<StaffRole>(name);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex UserNamePattern();
}
