using System.Text.Json;
using System.Text.Json.Serialization;

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

/// <summary>A tier of API keys and its limits, from <c>GET /api/v1/api-keys/tiers</c>.</summary>
public sealed record ApiKeyTierDto(string Name)
{
    /// <summary>Every other field of the tier, shown as it comes.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Limits { get; init; }
}

/// <summary>A new API key.</summary>
public sealed record CreateApiKeyRequest(
    string? Name, string? Tier, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>An API key without its secret.</summary>
public sealed record ApiKeyDto(
    string KeyHash, string? Name, string? Tier, IReadOnlyList<string>? Scopes, string? Prefix,
    DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string? Owner);

/// <summary>A created API key, with the secret that is returned this once.</summary>
public sealed record CreatedApiKeyDto(string Secret, ApiKeyDto Key);

/// <summary>One day of an API key's usage.</summary>
public sealed record ApiKeyUsageDayDto(DateOnly Day, long Requests, long Rejected);
