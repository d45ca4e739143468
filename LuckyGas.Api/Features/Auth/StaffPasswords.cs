using System.Security.Cryptography;
using LuckyGas.Api.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace LuckyGas.Api.Features.Auth;

/// <summary>The outcome of checking a sign-in password.</summary>
public enum PasswordCheck
{
    /// <summary>The user name is unknown or the password is wrong.</summary>
    Failed,

    /// <summary>The password is correct.</summary>
    Succeeded,

    /// <summary>The password is correct, but its hash uses older settings and should be replaced.</summary>
    SucceededRehashNeeded,
}

/// <summary>
/// Hashes and checks staff passwords with ASP.NET Core Identity's <see cref="IPasswordHasher{TUser}"/>
/// (PBKDF2 in its default version 3 format).
/// </summary>
public sealed class StaffPasswords
{
    /// <summary>The minimum password length in characters.</summary>
    public const int MinLength = 12;

    /// <summary>The maximum password length in characters, which bounds the work of one hash.</summary>
    public const int MaxLength = 256;

    private readonly IPasswordHasher<StaffUser> _hasher;

    // The hash of a random password, checked when the user name is unknown.
    private readonly string _unknownUserHash;

    private static readonly StaffUser UnknownUser = new()
    {
        UserName = "",
        DisplayName = "",
        PasswordHash = "",
    };

    /// <summary>Creates the checker and hashes the placeholder password for unknown users.</summary>
    public StaffPasswords(IPasswordHasher<StaffUser> hasher)
    {
        _hasher = hasher;
        _unknownUserHash = hasher.HashPassword(UnknownUser, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>Returns the hash to store for <paramref name="password"/>.</summary>
    public string Hash(StaffUser user, string password) => _hasher.HashPassword(user, password);

    /// <summary>
    /// Checks <paramref name="password"/> against the user's stored hash. For an unknown user it
    /// checks against a placeholder hash and fails, so that the time taken does not reveal
    /// whether a user name exists.
    /// </summary>
    public PasswordCheck Check(StaffUser? user, string password)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(UnknownUser, _unknownUserHash, password);
            return PasswordCheck.Failed;
        }

        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Succeeded,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SucceededRehashNeeded,
            _ => PasswordCheck.Failed,
        };
    }
}
