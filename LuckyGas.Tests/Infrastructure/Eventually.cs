namespace LuckyGas.Tests.Infrastructure;

/// <summary>Polls a condition that becomes true asynchronously, such as replication catching up.</summary>
public static class Eventually
{
    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> until it returns a value
    /// for which <paramref name="done"/> is true, and returns that value; after
    /// <paramref name="timeout"/> returns the last value so the caller's assert shows it.
    /// </summary>
    public static async Task<T> WaitAsync<T>(
        Func<CancellationToken, Task<T>> probe, Func<T, bool> done, TimeSpan timeout,
        CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe(cancellationToken);
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
