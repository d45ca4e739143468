namespace LuckyGas.Api.Infrastructure.RateLimiting;

/// <summary>
/// A fixed window counted in this instance only, which decides while Redis is unavailable. Like
/// the Redis window, it starts with the first request.
/// </summary>
internal sealed class LocalFixedWindow(int limit, TimeSpan window, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private long _count;
    private DateTimeOffset _endsAt = DateTimeOffset.MinValue;

    /// <summary>Counts one request when the window has room, and returns the outcome.</summary>
    public WindowLease Acquire()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now >= _endsAt)
            {
                _count = 0;
                _endsAt = now + window;
            }

            var acquired = _count < limit;
            if (acquired)
            {
                _count++;
            }

            return new WindowLease(acquired, limit, limit - _count, _endsAt - now, distributed: false);
        }
    }
}
