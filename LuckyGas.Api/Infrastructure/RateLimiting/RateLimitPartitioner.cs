using System.Globalization;
using System.Net;
using System.Security.Claims;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.ApiKeys;
using LuckyGas.Api.Features.Auth;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// Chooses the partition of a request: its API key, else its signed-in staff member, else its
/// client IP address, and its endpoint's class or own limit.
/// </summary>
public sealed class RateLimitPartitioner(IOptionsMonitor<RateLimitingOptions> options)
{
    /// <summary>The tier label of signed-in staff in metrics.</summary>
    public const string StaffTier = "Staff";

    /// <summary>The tier label of anonymous callers in metrics.</summary>
    public const string AnonymousTier = "Anonymous";

    /// <summary>Returns the partition of the request, or null when the request is not limited.</summary>
    public RateLimitPartitionKey? Resolve(HttpContext context)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || IsExempt(context.Request.Path))
        {
            return null;
        }

        var endpoint = context.GetEndpoint();
        var endpointClass = endpoint?.Metadata.GetMetadata<EndpointClassMetadata>()?.Class
            ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ||
                HttpMethods.IsOptions(context.Request.Method)
                ? EndpointClass.Reads
                : EndpointClass.Writes);
        var endpointName = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;

        var (subject, tier, limits, multiplier) = Identify(context.User, context.Connection.RemoteIpAddress, settings);
        var bucket = endpointClass.ToString().ToLowerInvariant();
        var limit = limits.ForClass(endpointClass);
        if (endpointName is not null && limits.Endpoints.TryGetValue(endpointName, out var endpointLimit))
        {
            bucket = $"endpoint:{endpointName}";
            limit = endpointLimit;
        }

        return new RateLimitPartitionKey(subject, bucket, tier, endpointClass, checked(limit * multiplier), settings.Window);
    }

    /// <summary>Whether the path is a health or metrics endpoint, which are never limited.</summary>
    public static bool IsExempt(PathString path) =>
        path.StartsWithSegments(Extensions.HealthEndpointPath) ||
        path.StartsWithSegments(Extensions.AlivenessEndpointPath) ||
        path.StartsWithSegments("/metrics");

    private static (string Subject, string Tier, TierLimits Limits, int Multiplier) Identify(
        ClaimsPrincipal user, IPAddress? address, RateLimitingOptions settings)
    {
        var keyId = user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim);
        var tierName = user.FindFirstValue(ApiKeyAuthenticationHandler.TierClaim);
        if (keyId is not null && Enum.TryParse<ApiKeyTier>(tierName, out var tier))
        {
            return ($"key:{keyId}", tier.ToString(), settings.Tiers[tier], 1);
        }

        if (user.Identity?.IsAuthenticated == true && user.TryGetUserId(out var userId))
        {
            var multiplier = Enum.TryParse<StaffRole>(user.FindFirstValue(StaffClaims.Role), out var role)
                ? settings.RoleMultipliers.GetValueOrDefault(role, 1)
                : 1;
            return (string.Create(CultureInfo.InvariantCulture, $"user:{userId}"), StaffTier,
                settings.Tiers[ApiKeyTier.Standard], multiplier);
        }

        // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; one form per client.
        var client = address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        return ($"ip:{client}", AnonymousTier, settings.Anonymous, 1);
    }
}

/// <summary>The endpoint class of an endpoint, set with <see cref="RateLimitingExtensions.WithEndpointClass{TBuilder}"/>.</summary>
public sealed record EndpointClassMetadata(EndpointClass Class);
