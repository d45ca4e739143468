using System.Diagnostics.Metrics;
using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Monitoring;

/// <summary>
/// The business instruments of the <c>LuckyGas.Api</c> meter. Prometheus shows them with the
/// <c>luckygas_business_</c> prefix: counters of what this instance recorded since it started,
/// and gauges of the whole database that <see cref="BusinessGaugeRefresher"/> keeps current.
/// </summary>
/// <remarks>
/// Counters count per instance, so a dashboard sums them over <c>instance</c>; the gauges read
/// the shared database, so every instance reports the same value and a dashboard takes the max.
/// </remarks>
public sealed class BusinessMetrics : IDisposable
{
    /// <summary>The meter name, which ServiceDefaults exports with every <c>LuckyGas.*</c> meter.</summary>
    public const string MeterName = "LuckyGas.Api";

    // Delivery durations from assignment to completion run from minutes to a day.
    private static readonly double[] s_deliveryDurationBuckets =
        [300, 600, 900, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 43200, 86400];

    private readonly Meter _meter;
    private readonly Counter<long> _ordersCreated;
    private readonly Counter<long> _orderStatusChanges;
    private readonly Counter<long> _ordersDelivered;
    private readonly Counter<long> _revenue;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _ratings;
    private volatile BusinessGauges _gauges = BusinessGauges.Empty;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public BusinessMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);

        // OpenTelemetry's Prometheus exporter appends _total to counters and the unit to the
        // name (seconds), and drops units in braces, so these names become the luckygas_business_*
        // series that the alert rules and dashboards select.
        _ordersCreated = _meter.CreateCounter<long>("luckygas.business.orders.created", "{order}",
            "Orders created.");
        _orderStatusChanges = _meter.CreateCounter<long>("luckygas.business.order.status.changes", "{order}",
            "Orders moved into a status, by the status they moved into.");
        _ordersDelivered = _meter.CreateCounter<long>("luckygas.business.orders.delivered", "{order}",
            "Orders delivered.");
        _revenue = _meter.CreateCounter<long>("luckygas.business.revenue.ntd", "{NT$}",
            "Revenue of delivered orders in whole New Taiwan dollars.");
        _deliveryDuration = _meter.CreateHistogram("luckygas.business.delivery.duration", "s",
            "Time from assigning a driver to completing the delivery.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_deliveryDurationBuckets });
        _ratings = _meter.CreateCounter<long>("luckygas.business.ratings", "{rating}",
            "Delivery ratings given, by rating from 1 to 5.");

        _meter.CreateObservableGauge("luckygas.business.orders", ObserveOrdersByStatus, "{order}",
            "Orders in the database, by current status.");
        _meter.CreateObservableGauge("luckygas.business.average.rating", () => ObserveRating(), "{rating}",
            "Average delivery rating of the last 30 days, or no value without ratings.");
        _meter.CreateObservableGauge("luckygas.business.customers.due.for.refill", () => _gauges.CustomersDueForRefill,
            "{customer}", "Customers whose predicted next order falls within the next 7 days.");
    }

    /// <summary>Records an order that was created.</summary>
    public void RecordOrderCreated()
    {
        _ordersCreated.Add(1);
        _orderStatusChanges.Add(1, new KeyValuePair<string, object?>("status", nameof(OrderStatus.Pending)));
    }

    /// <summary>
    /// Records an order that moved into <paramref name="status"/>; a delivered order also counts
    /// its revenue and, when <paramref name="assignedAt"/> is known, its delivery duration.
    /// </summary>
    public void RecordOrderMoved(OrderStatus status, int totalNtd, DateTimeOffset? assignedAt, DateTimeOffset at)
    {
        _orderStatusChanges.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));
        if (status != OrderStatus.Delivered)
        {
            return;
        }

        _ordersDelivered.Add(1);
        _revenue.Add(totalNtd);
        if (assignedAt is { } assigned)
        {
            _deliveryDuration.Record(Math.Max(0, (at - assigned).TotalSeconds));
        }
    }

    /// <summary>Records a rating from 1 to 5.</summary>
    public void RecordRating(int rating) =>
        _ratings.Add(1, new KeyValuePair<string, object?>("rating", rating));

    /// <summary>Replaces the database figures that the gauges report.</summary>
    public void Publish(BusinessGauges gauges) => _gauges = gauges;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveOrdersByStatus()
    {
        var gauges = _gauges;
        if (!gauges.IsMeasured)
        {
            yield break;
        }

        // Every status is reported, zeros included, so a status never disappears from a graph.
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            yield return new Measurement<long>(gauges.OrdersByStatus.GetValueOrDefault(status),
                new KeyValuePair<string, object?>("status", status.ToString()));
        }
    }

    private IEnumerable<Measurement<double>> ObserveRating()
    {
        if (_gauges.AverageRating is { } average)
        {
            yield return new Measurement<double>(average);
        }
    }
}

/// <summary>The database figures behind the business gauges.</summary>
/// <param name="IsMeasured">Whether a refresh has succeeded yet.</param>
/// <param name="OrdersByStatus">Orders by current status.</param>
/// <param name="AverageRating">Average rating of the last 30 days, or null without ratings.</param>
/// <param name="CustomersDueForRefill">Customers whose predicted next order is within 7 days.</param>
public sealed record BusinessGauges(
    bool IsMeasured,
    IReadOnlyDictionary<OrderStatus, long> OrdersByStatus,
    double? AverageRating,
    long CustomersDueForRefill)
{
    /// <summary>The figures before the first refresh.</summary>
    public static BusinessGauges Empty { get; } = new(false, new Dictionary<OrderStatus, long>(), null, 0);
}
