using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LuckyGas.Api.Features.Auth;

/// <summary>Settings of staff sign-in and bearer tokens, from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>The minimum signing key length in bytes: HS256 needs a key of at least 256 bits.</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// The HMAC key that signs and validates bearer tokens, used as its UTF-8 bytes. Every API
    /// instance needs the same key, so that a token from one instance is valid on the others.
    /// </summary>
    public string SigningKey { get; set; } = "";

    /// <summary>The token issuer (<c>iss</c>).</summary>
    public string Issuer { get; set; } = "luckygas-api";

    /// <summary>The token audience (<c>aud</c>).</summary>
    public string Audience { get; set; } = "luckygas";

    /// <summary>How long a token is valid: one 8-hour shift.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Returns <see cref="SigningKey"/> as a key for HS256.</summary>
    public SymmetricSecurityKey CreateSigningKey() => new(Encoding.UTF8.GetBytes(SigningKey));
}

/// <summary>Checks <see cref="AuthOptions"/> at start, with messages that never contain the key.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();

        if (string.IsNullOrEmpty(options.SigningKey))
        {
            failures.Add(
                $"{AuthOptions.SectionName}:SigningKey is missing. Set it to a random key of at least " +
                $"{AuthOptions.MinSigningKeyBytes} bytes. The AppHost passes its token-signing-key parameter " +
                $"as {AuthOptions.SectionName}__SigningKey.");
        }
        else
        {
            var length = Encoding.UTF8.GetByteCount(options.SigningKey);
            if (length < AuthOptions.MinSigningKeyBytes)
            {
                failures.Add(
                    $"{AuthOptions.SectionName}:SigningKey is {length} bytes long, but HS256 needs at least " +
                    $"{AuthOptions.MinSigningKeyBytes} bytes. Set a longer random key.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{AuthOptions.SectionName}:Issuer is empty. Remove it to use the default 'luckygas-api'.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{AuthOptions.SectionName}:Audience is empty. Remove it to use the default 'luckygas'.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero)
        {
            failures.Add(
                $"{AuthOptions.SectionName}:TokenLifetime is {options.TokenLifetime}, but it must be positive, " +
                "for example 08:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
