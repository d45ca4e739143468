using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>A new key: the secret to show once and what is stored of it.</summary>
/// <param name="Secret">The full key, shown to the caller once.</param>
/// <param name="Hash">The lower-case hex HMAC-SHA256 of the secret.</param>
/// <param name="PepperVersion">The version of the pepper behind <paramref name="Hash"/>.</param>
/// <param name="DisplayPrefix">The first characters of the secret.</param>
public sealed record NewApiKeySecret(string Secret, string Hash, int PepperVersion, string DisplayPrefix);

/// <summary>A hash of a presented key under one pepper version.</summary>
public readonly record struct ApiKeyHashCandidate(int PepperVersion, string Hash);

/// <summary>Generates API keys and computes their keyed hashes (HMAC-SHA256 with a pepper).</summary>
public sealed class ApiKeySecrets(IOptionsMonitor<ApiKeyOptions> options)
{
    /// <summary>The prefix of every key, so that people and secret scanners recognise one.</summary>
    public const string Prefix = "lgk_";

    /// <summary>The random bytes of a key: 256 bits.</summary>
    public const int RandomBytes = 32;

    /// <summary>The length of a key: the prefix and 43 base64url characters.</summary>
    public static readonly int Length = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    /// <summary>The characters of the secret kept in <see cref="NewApiKeySecret.DisplayPrefix"/>.</summary>
    public const int DisplayPrefixLength = 8;

    /// <summary>Generates a key from 32 random bytes and hashes it with the current pepper.</summary>
    public NewApiKeySecret Generate()
    {
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));
        var settings = options.CurrentValue;
        var hash = Hash(secret, settings.Pepper);
        return new NewApiKeySecret(secret, hash, settings.PepperVersion, secret[..DisplayPrefixLength]);
    }

    /// <summary>
    /// Whether <paramref name="presented"/> has the shape of a key: the prefix and 43 base64url
    /// characters. A malformed value is rejected without a database read.
    /// </summary>
    public static bool IsWellFormed(string presented)
    {
        if (presented.Length != Length || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var character in presented.AsSpan(Prefix.Length))
        {
            if (!char.IsAsciiLetterOrDigit(character) && character is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the hashes of <paramref name="presented"/> under the current pepper and, if set, the previous one.</summary>
    public IReadOnlyList<ApiKeyHashCandidate> Candidates(string presented)
    {
        var settings = options.CurrentValue;
        var candidates = new List<ApiKeyHashCandidate>(2)
        {
            new(settings.PepperVersion, Hash(presented, settings.Pepper)),
        };
        if (!string.IsNullOrEmpty(settings.PreviousPepper))
        {
            candidates.Add(new(settings.PreviousPepperVersion, Hash(presented, settings.PreviousPepper)));
        }

        return candidates;
    }

    /// <summary>Compares two hex hashes in time that does not depend on where they differ.</summary>
    public static bool HashesEqual(string stored, string computed) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(computed));

    /// <summary>Whether <paramref name="value"/> has the shape of a key hash: 64 lower-case hex digits.</summary>
    public static bool IsHash(string value) =>
        value.Length == 64 && value.All(character => char.IsAsciiDigit(character) || character is >= 'a' and <= 'f');

    private static string Hash(string secret, string pepper) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(pepper), Encoding.UTF8.GetBytes(secret)));
}
