using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Orders;

/// <summary>One line of a new order.</summary>
/// <param name="SizeKg">The cylinder size in kilograms: 4, 10, 16, 20 or 50.</param>
/// <param name="Quantity">How many cylinders of that size, from 1 to 20.</param>
public sealed record OrderLineRequest(int SizeKg, int Quantity);

/// <summary>A new order.</summary>
/// <param name="CustomerId">The customer who orders.</param>
/// <param name="Lines">At least one line, each size at most once.</param>
/// <param name="WindowStart">The start of the requested delivery window, with its offset.</param>
/// <param name="WindowEnd">The end of the requested delivery window, after its start.</param>
public sealed record CreateOrderRequest(
    long? CustomerId, IReadOnlyList<OrderLineRequest?>? Lines, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd);

/// <summary>A change of an order's status.</summary>
/// <param name="Status">The state to move to.</param>
public sealed record ChangeOrderStatusRequest(OrderStatus? Status);

/// <summary>One line of an order, priced.</summary>
public sealed record OrderLineResponse(int SizeKg, int Quantity, int UnitPriceNtd, int LineTotalNtd);

/// <summary>An order as the API returns it. Times are UTC; amounts are whole New Taiwan dollars.</summary>
public sealed record OrderResponse(
    long Id,
    long CustomerId,
    OrderStatus Status,
    IReadOnlyList<OrderLineResponse> Lines,
    int TotalNtd,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string CreatedBy)
{
    /// <summary>Maps an order entity.</summary>
    public static OrderResponse From(Order order) => new(
        order.Id,
        order.CustomerId,
        order.Status,
        [.. order.Lines.Select(line => new OrderLineResponse(
            line.SizeKg, line.Quantity, line.UnitPriceNtd, line.UnitPriceNtd * line.Quantity))],
        order.TotalNtd,
        order.WindowStart,
        order.WindowEnd,
        order.CreatedAt,
        order.UpdatedAt,
        order.CreatedBy);
}

/// <summary>One page of a list.</summary>
/// <param name="Items">The items on this page.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The page size asked for.</param>
/// <param name="Total">How many items match in all.</param>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
