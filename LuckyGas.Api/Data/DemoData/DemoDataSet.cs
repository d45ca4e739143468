using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Data.DemoData;

/// <summary>Sizes of a generated demo data set.</summary>
public sealed record DemoDataOptions
{
    /// <summary>Smallest <see cref="HistoryDays"/>, which leaves room for customers who join during the history.</summary>
    public const int MinHistoryDays = 60;

    /// <summary>Number of customers: 70% households, 25% restaurants and 5% factories. Default 300.</summary>
    public int CustomerCount { get; init; } = 300;

    /// <summary>
    /// Number of drivers, spread over the delivery regions by their share of customers. Default 12. Must be at least
    /// the number of regions (4), so that every region has a driver.
    /// </summary>
    public int DriverCount { get; init; } = 12;

    /// <summary>Days of order history, ending today in Asia/Taipei. Default 365.</summary>
    public int HistoryDays { get; init; } = 365;
}

/// <summary>
/// Generated drivers and customers, not yet stored. Each customer's <see cref="Customer.Orders"/> contains its orders, and
/// each delivered order's <see cref="Order.Delivery"/> refers to its driver through <see cref="Delivery.Driver"/>.
/// Ids and foreign keys are 0 until the entities are saved.
/// </summary>
/// <param name="Seed">Seed that the data was generated from.</param>
/// <param name="Drivers">Every driver, including those who left during the history.</param>
/// <param name="Customers">Every customer with its orders.</param>
public sealed record DemoDataSet(int Seed, IReadOnlyList<Driver> Drivers, IReadOnlyList<Customer> Customers)
{
    /// <summary>Every order of every customer.</summary>
    public IEnumerable<Order> Orders => Customers.SelectMany(customer => customer.Orders);

    /// <summary>Every delivery, one for each delivered order.</summary>
    public IEnumerable<Delivery> Deliveries => Orders.Select(order => order.Delivery).OfType<Delivery>();
}

/// <summary>Counts of what a demo data seed or reset inserted.</summary>
/// <param name="Seed">Seed that the data was generated from. The same seed on the same day gives the same data.</param>
/// <param name="Customers">Customers inserted.</param>
/// <param name="Drivers">Drivers inserted.</param>
/// <param name="Orders">Orders inserted, in every status.</param>
/// <param name="Deliveries">Deliveries inserted, one for each delivered order.</param>
/// <param name="Ratings">Deliveries that have a customer rating.</param>
/// <param name="ElapsedMilliseconds">Time to generate and insert the data, in milliseconds.</param>
public sealed record DemoDataSummary(
    int Seed, int Customers, int Drivers, int Orders, int Deliveries, int Ratings, long ElapsedMilliseconds);
