using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>The classes of endpoints that carry separate limits.</summary>
public enum EndpointClass
{
    /// <summary>Safe methods (GET, HEAD, OPTIONS), unless marked otherwise.</summary>
    Reads,

    /// <summary>Every other method, unless marked otherwise.</summary>
    Writes,

    /// <summary>Endpoints marked with <see cref="RateLimitingExtensions.WithEndpointClass{TBuilder}"/>, such as reports.</summary>
    Expensive,
}

/// <summary>The requests per window of one tier, for each endpoint class and for single endpoints.</summary>
public sealed class TierLimits
{
    /// <summary>The limit of reads per window.</summary>
    public int Reads { get; set; }

    /// <summary>The limit of writes per window.</summary>
    public int Writes { get; set; }

    /// <summary>The limit of expensive requests per window.</summary>
    public int Expensive { get; set; }

    /// <summary>Limits of single endpoints by endpoint name (their <c>WithName</c>), which replace the class limit.</summary>
    public Dictionary<string, int> Endpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Returns the limit of <paramref name="endpointClass"/>.</summary>
    public int ForClass(EndpointClass endpointClass) => endpointClass switch
    {
        EndpointClass.Reads => Reads,
        EndpointClass.Writes => Writes,
        EndpointClass.Expensive => Expensive,
        _ => throw new ArgumentOutOfRangeException(nameof(endpointClass), endpointClass, "Unknown endpoint class."),
    };
}

/// <summary>Settings of the API's rate limiter, from the <c>RateLimiting</c> configuration section.</summary>
/// <remarks>The defaults live in <c>appsettings.json</c>; a configuration reload applies to new windows.</remarks>
public sealed class RateLimitingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "RateLimiting";

    /// <summary>Whether requests are limited. Turn it off only for measurements and drills.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The fixed window that every limit counts requests in.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The maximum wait for Redis per request, after which the local limiter decides.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the local limiter is used after a Redis failure before Redis is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The limits of API keys by tier.</summary>
    public Dictionary<ApiKeyTier, TierLimits> Tiers { get; set; } = [];

    /// <summary>
    /// The factor on the <see cref="ApiKeyTier.Standard"/> limits for signed-in staff, by role.
    /// A role without an entry gets 1.
    /// </summary>
    public Dictionary<StaffRole, int> RoleMultipliers { get; set; } = [];

    /// <summary>The limits of requests without a key or token, per client IP address.</summary>
    public TierLimits Anonymous { get; set; } = new();

    /// <summary>Returns the problems of the settings, each naming the key and the fix.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (Window <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:Window must be a positive duration, such as 00:01:00.");
        }

        if (CommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:CommandTimeout must be a positive duration, such as 00:00:00.5.");
        }

        if (RetryInterval <= TimeSpan.Zero)
        {
            failures.Add($"{SectionName}:RetryInterval must be a positive duration, such as 00:00:05.");
        }

        foreach (var tier in Enum.GetValues<ApiKeyTier>())
        {
            if (!Tiers.TryGetValue(tier, out var limits))
            {
                failures.Add($"{SectionName}:Tiers:{tier} is missing. Set its Reads, Writes and Expensive limits.");
                continue;
            }

            ValidateLimits(failures, $"{SectionName}:Tiers:{tier}", limits);
        }

        ValidateLimits(failures, $"{SectionName}:Anonymous", Anonymous);
        foreach (var (role, multiplier) in RoleMultipliers)
        {
            if (multiplier <= 0)
            {
                failures.Add($"{SectionName}:RoleMultipliers:{role} is {multiplier}, but it must be a positive whole number.");
            }
        }

        return failures;
    }

    private static void ValidateLimits(List<string> failures, string path, TierLimits limits)
    {
        foreach (var endpointClass in Enum.GetValues<EndpointClass>())
        {
            if (limits.ForClass(endpointClass) <= 0)
            {
                failures.Add($"{path}:{endpointClass} must be a positive number of requests per window.");
            }
        }

        foreach (var (endpoint, limit) in limits.Endpoints)
        {
            if (limit <= 0)
            {
                failures.Add($"{path}:Endpoints:{endpoint} must be a positive number of requests per window.");
            }
        }
    }
}
