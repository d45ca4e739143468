using System.Threading.RateLimiting;

namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// The outcome of one request against a fixed window: whether it may run, the limit, what is
/// left, and the time until the window resets, which is also when a rejected request may retry.
/// </summary>
public sealed class WindowLease(bool isAcquired, int limit, long remaining, TimeSpan reset, bool distributed) : RateLimitLease
{
    private static readonly string[] Names = [MetadataName.RetryAfter.Name];

    public override bool IsAcquired { get; } = isAcquired;

    /// <summary>The requests allowed per window.</summary>
    public int Limit { get; } = limit;

    /// <summary>The requests left in the current window.</summary>
    public long Remaining { get; } = Math.Max(remaining, 0);

    /// <summary>The time until the window resets.</summary>
    public TimeSpan Reset { get; } = reset < TimeSpan.Zero ? TimeSpan.Zero : reset;

    /// <summary>Whether Redis counted the request, rather than this instance alone.</summary>
    public bool Distributed { get; } = distributed;

    /// <summary>Returns <see cref="Reset"/> in whole seconds, rounded up and at least 1.</summary>
    public int ResetSeconds => Math.Max(1, (int)Math.Ceiling(Reset.TotalSeconds));

    public override IEnumerable<string> MetadataNames => Names;

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (metadataName == MetadataName.RetryAfter.Name && !IsAcquired)
        {
            metadata = Reset;
            return true;
        }

        metadata = null;
        return false;
    }
}
