using System.Globalization;
using LuckyGas.Api.Data.Entities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LuckyGas.Api.Features.Auth;

/// <summary>A signed bearer token and when it expires.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>Issues HS256-signed JWT bearer tokens for staff who signed in.</summary>
public sealed class StaffTokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>
    /// Issues a token for <paramref name="user"/> with the claims <c>sub</c>, <c>name</c> and
    /// <c>role</c>, valid from now for <see cref="AuthOptions.TokenLifetime"/>.
    /// </summary>
    public IssuedToken Issue(StaffUser user)
    {
        var settings = options.Value;

        // JWT times are whole seconds, so the reported expiry is truncated to match the exp claim.
        var now = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = now + settings.TokenLifetime;

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [StaffClaims.UserId] = user.Id.ToString(CultureInfo.InvariantCulture),
                [StaffClaims.UserName] = user.UserName,
                [StaffClaims.Role] = user.Role.ToString(),
            },
            SigningCredentials = new SigningCredentials(settings.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        };

        return new IssuedToken(_handler.CreateToken(descriptor), expiresAt);
    }
}
