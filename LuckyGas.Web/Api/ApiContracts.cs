using System.Text.Json;

namespace LuckyGas.Web.Api;

// The API's JSON shapes, as documented in docs/api.md. Times carry their offset; amounts are
// whole New Taiwan dollars.

/// <summary>The lifecycle states of an order.</summary>
public enum OrderStatus
{
    Pending,
    Scheduled,
    OutForDelivery,
    Delivered,
    Cancelled,
}

/// <summary>A bearer token from <c>POST /api/v1/auth/token</c>.</summary>
public sealed record TokenDto(string AccessToken, DateTimeOffset ExpiresAt, string UserName, string Role);

/// <summary>One page of a list.</summary>
public sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>One priced line of an order.</summary>
public sealed record OrderLineDto(int SizeKg, int Quantity, int UnitPriceNtd, int LineTotalNtd);

/// <summary>An order.</summary>
public sealed record OrderDto(
    long Id, long CustomerId, OrderStatus Status, IReadOnlyList<OrderLineDto> Lines, int TotalNtd,
    DateTimeOffset WindowStart, DateTimeOffset WindowEnd, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string CreatedBy);

/// <summary>One line of a new order.</summary>
public sealed record OrderLineRequest(int SizeKg, int? Quantity);

/// <summary>A new order.</summary>
public sealed record CreateOrderRequest(
    long? CustomerId, IReadOnlyList<OrderLineRequest> Lines, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd);

/// <summary>A customer.</summary>
public sealed record CustomerDto(
    long Id, string Kind, string Name, string Phone, string City, string District, string Street,
    IReadOnlyList<int> CylinderSizes);

/// <summary>A driver.</summary>
public sealed record DriverDto(long Id, string Name, string Phone, bool Active, string? UserName);

/// <summary>A delivery: an order assigned to a driver.</summary>
public sealed record DeliveryDto(
    long Id, long OrderId, long DriverId, OrderStatus OrderStatus, DateTimeOffset AssignedAt,
    DateTimeOffset? DeliveredAt, int? Rating, string? RatingComment);

/// <summary>A customer's refill prediction.</summary>
public sealed record PredictionDto(
    long CustomerId, bool HasPrediction, DateOnly? NextOrderDate, double? Confidence, double? KilogramsPerDay,
    int DeliveryDays, string? Message);

/// <summary>The comprehensive health report of <c>GET /api/v1/health/comprehensive</c>.</summary>
public sealed record HealthReportDto(
    string Status, DateTimeOffset CheckedAt, double DurationMs, IReadOnlyList<HealthEntryDto> Entries);

/// <summary>One dependency in the health report.</summary>
public sealed record HealthEntryDto(
    string Name, string? Kind, string Status, string? Description, double DurationMs,
    IReadOnlyDictionary<string, JsonElement>? Data);

/// <summary>The tiers of API keys and their limits, from <c>GET /api/v1/api-keys/tiers</c>.</summary>
public sealed record ApiKeyTiersDto(double WindowSeconds, IReadOnlyList<ApiKeyTierDto> Tiers);

/// <summary>One tier and its limits per window.</summary>
public sealed record ApiKeyTierDto(string Name, ApiKeyLimitsDto Limits);

/// <summary>Requests per window by endpoint class.</summary>
public sealed record ApiKeyLimitsDto(int Reads, int Writes, int Expensive);

/// <summary>A new API key for the signed-in user.</summary>
public sealed record CreateApiKeyRequest(
    string? Name, string? Tier, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>An API key without its secret. <c>Status</c> is active, revoked or expired.</summary>
public sealed record ApiKeyDto(
    string KeyHash, string Prefix, string Name, string Tier, IReadOnlyList<string> Scopes, string Owner,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>A created API key with its secret, which the API returns only this once.</summary>
public sealed record CreatedApiKeyDto(string Key, ApiKeyDto Details);

/// <summary>A key's usage per UTC day, newest first.</summary>
public sealed record ApiKeyUsageDto(string KeyHash, string Tier, IReadOnlyList<ApiKeyUsageDayDto> Days);

/// <summary>One day of an API key's usage.</summary>
public sealed record ApiKeyUsageDayDto(DateOnly Day, long Requests, long Rejected);
