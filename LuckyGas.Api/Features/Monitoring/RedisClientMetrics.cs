using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>
/// Instruments of the shared Redis connection on the <c>LuckyGas.Api</c> meter, read from the
/// multiplexer's own counters at each collection.
/// </summary>
/// <remarks>
/// StackExchange.Redis 2.13 publishes no metrics of its own (Aspire's integration adds only
/// traces), so these instruments are the Redis client metrics of <c>/metrics</c>.
/// </remarks>
public sealed class RedisClientMetrics : IDisposable
{
    private readonly Meter _meter;

    /// <summary>Creates the instruments over <paramref name="multiplexer"/>.</summary>
    public RedisClientMetrics(IMeterFactory meterFactory, IConnectionMultiplexer multiplexer)
    {
        _meter = meterFactory.Create(BusinessMetrics.MeterName);

        _meter.CreateObservableCounter("luckygas.redis.client.operations",
            () => multiplexer.GetCounters().Interactive.OperationCount, "{operation}",
            "Redis operations sent on the interactive connections since the API started.");
        _meter.CreateObservableUpDownCounter("luckygas.redis.client.outstanding",
            () => multiplexer.GetCounters().TotalOutstanding, "{operation}",
            "Redis operations queued or sent and waiting for a response.");
        _meter.CreateObservableUpDownCounter("luckygas.redis.client.connected.servers",
            () => multiplexer.GetServers().Count(server => server.IsConnected), "{server}",
            "Redis servers, master and replicas, that the connection is connected to.");
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
