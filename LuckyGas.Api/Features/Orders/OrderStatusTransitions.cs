using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Orders;

/// <summary>
/// The order lifecycle: <c>Pending → Scheduled → OutForDelivery → Delivered</c>, and
/// <c>Cancelled</c> from any state before <c>Delivered</c>. No other move is allowed.
/// </summary>
public static class OrderStatusTransitions
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> s_next = new()
    {
        [OrderStatus.Pending] = [OrderStatus.Scheduled, OrderStatus.Cancelled],
        [OrderStatus.Scheduled] = [OrderStatus.OutForDelivery, OrderStatus.Cancelled],
        [OrderStatus.OutForDelivery] = [OrderStatus.Delivered, OrderStatus.Cancelled],
        [OrderStatus.Delivered] = [],
        [OrderStatus.Cancelled] = [],
    };

    /// <summary>Returns the states an order in <paramref name="from"/> may move to.</summary>
    public static IReadOnlyList<OrderStatus> Next(OrderStatus from) => s_next[from];

    /// <summary>Returns whether an order may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(OrderStatus from, OrderStatus to) => s_next[from].Contains(to);
}
