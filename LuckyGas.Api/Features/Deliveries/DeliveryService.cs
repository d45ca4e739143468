using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Monitoring;
using LuckyGas.Api.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Deliveries;

/// <summary>A delivery request that cannot be carried out, with the HTTP status that gives the reason.</summary>
public sealed class DeliveryConflictException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;
}

/// <summary>
/// Assigns orders to drivers and records departure, completion and rating. Each step moves the
/// order along its lifecycle in the same transaction, so a delivery and its order never disagree.
/// </summary>
public sealed partial class DeliveryService(
    WriteDbContext database, BusinessMetrics metrics, TimeProvider clock, ILogger<DeliveryService> logger)
{
    /// <summary>Assigns a pending order to an active driver, which schedules the order.</summary>
    public async Task<Delivery> AssignAsync(long orderId, long driverId, CancellationToken cancellationToken)
    {
        var assigned = await InTransactionAsync(async token =>
        {
            // The row lock makes a cancel or a second assignment of the same order wait its turn.
            var order = await OrderService.LockOrderAsync(database, orderId, token)
                ?? throw new DeliveryConflictException(StatusCodes.Status404NotFound,
                    "The order was not found.", $"No order has id {orderId}.");
            var driver = await database.Drivers.SingleOrDefaultAsync(item => item.Id == driverId, token)
                ?? throw new DeliveryConflictException(StatusCodes.Status404NotFound,
                    "The driver was not found.", $"No driver has id {driverId}.");
            if (!driver.Active)
            {
                throw new DeliveryConflictException(StatusCodes.Status409Conflict,
                    "The driver is inactive.", $"Driver {driver.Id} cannot be assigned deliveries; activate the driver first.");
            }

            if (order.Status != OrderStatus.Pending)
            {
                throw new DeliveryConflictException(StatusCodes.Status409Conflict,
                    "The order cannot be assigned.", $"Order {order.Id} is {order.Status}; only Pending orders can be assigned.");
            }

            var now = clock.GetUtcNow();
            order.Status = OrderStatus.Scheduled;
            order.UpdatedAt = now;
            var delivery = new Delivery { OrderId = order.Id, Order = order, DriverId = driver.Id, AssignedAt = now };
            database.Deliveries.Add(delivery);
            await database.SaveChangesAsync(token);
            LogAssigned(logger, delivery.Id, order.Id, driver.Id);
            return delivery;
        }, cancellationToken);

        metrics.RecordOrderMoved(OrderStatus.Scheduled, assigned.Order!.TotalNtd, assigned.AssignedAt, assigned.AssignedAt);
        return assigned;
    }

    /// <summary>Marks a delivery as on its way (the order goes out for delivery).</summary>
    public Task<Delivery> DepartAsync(long id, string? driverUserName, CancellationToken cancellationToken) =>
        MoveAsync(id, driverUserName, OrderStatus.OutForDelivery, cancellationToken);

    /// <summary>Marks a delivery as done (the order is delivered).</summary>
    public Task<Delivery> CompleteAsync(long id, string? driverUserName, CancellationToken cancellationToken) =>
        MoveAsync(id, driverUserName, OrderStatus.Delivered, cancellationToken);

    /// <summary>Records the customer's rating of a completed delivery.</summary>
    public async Task<Delivery> RateAsync(long id, int rating, string? comment, CancellationToken cancellationToken)
    {
        var rated = await InTransactionAsync(async token =>
        {
            var delivery = await LoadAsync(id, token);
            if (delivery.DeliveredAt is null)
            {
                throw new DeliveryConflictException(StatusCodes.Status409Conflict,
                    "The delivery cannot be rated yet.", $"Delivery {id} is not completed; rate it after delivery.");
            }

            delivery.Rating = rating;
            delivery.RatingComment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
            delivery.RatedAt = clock.GetUtcNow();
            await database.SaveChangesAsync(token);
            LogRated(logger, id, rating);
            return delivery;
        }, cancellationToken);

        // Recorded after the commit, so a retried or failed transaction is not counted.
        metrics.RecordRating(rating);
        return rated;
    }

    /// <summary>Returns the consistency token of the writes made so far.</summary>
    public Task<string> CaptureConsistencyTokenAsync(CancellationToken cancellationToken) =>
        Infrastructure.ConsistentReads.CaptureTokenAsync(database, cancellationToken);

    private async Task<Delivery> MoveAsync(long id, string? driverUserName, OrderStatus to, CancellationToken cancellationToken)
    {
        var moved = await InTransactionAsync(async token =>
        {
            // Lock the order before loading the delivery with it, so the status read below is the
            // one this transaction will change, not one a concurrent cancel is about to replace.
            var orderId = await database.Deliveries.Where(delivery => delivery.Id == id)
                .Select(delivery => (long?)delivery.OrderId).SingleOrDefaultAsync(token);
            if (orderId is { } lockedOrderId)
            {
                await OrderService.LockOrderAsync(database, lockedOrderId, token);
            }

            var delivery = await LoadAsync(id, token);

            // A driver acts only on their own deliveries; dispatchers and above act on any.
            if (driverUserName is not null && delivery.Driver!.UserName != driverUserName)
            {
                throw new DeliveryConflictException(StatusCodes.Status403Forbidden,
                    "The delivery belongs to another driver.", $"Delivery {id} is assigned to another driver.");
            }

            var order = delivery.Order!;
            if (!OrderStatusTransitions.IsAllowed(order.Status, to))
            {
                throw new DeliveryConflictException(StatusCodes.Status409Conflict,
                    "The delivery cannot move to that state.",
                    $"Order {order.Id} is {order.Status} and cannot move to {to}.");
            }

            var now = clock.GetUtcNow();
            var from = order.Status;
            order.Status = to;
            order.UpdatedAt = now;
            if (to == OrderStatus.Delivered)
            {
                delivery.DeliveredAt = now;
            }

            await database.SaveChangesAsync(token);
            LogMoved(logger, id, order.Id, from, to);
            return delivery;
        }, cancellationToken);

        metrics.RecordOrderMoved(to, moved.Order!.TotalNtd, moved.AssignedAt, moved.DeliveredAt ?? moved.AssignedAt);
        return moved;
    }

    private async Task<Delivery> LoadAsync(long id, CancellationToken cancellationToken) =>
        await database.Deliveries
            .Include(delivery => delivery.Order)
            .Include(delivery => delivery.Driver)
            .SingleOrDefaultAsync(delivery => delivery.Id == id, cancellationToken)
        ?? throw new DeliveryConflictException(StatusCodes.Status404NotFound,
            "The delivery was not found.", $"No delivery has id {id}.");

    private Task<Delivery> InTransactionAsync(Func<CancellationToken, Task<Delivery>> work, CancellationToken cancellationToken)
    {
        // A transient failure (a failover, say) reruns the whole transaction from a clean tracker.
        var strategy = database.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            database.ChangeTracker.Clear();
            await using var transaction = await database.Database.BeginTransactionAsync(token);
            var delivery = await work(token);
            await transaction.CommitAsync(token);
            return delivery;
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 4200, EventName = "DeliveryAssigned", Level = LogLevel.Information,
        Message = "Assigned delivery {DeliveryId} of order {OrderId} to driver {DriverId}")]
    private static partial void LogAssigned(ILogger logger, long deliveryId, long orderId, long driverId);

    [LoggerMessage(EventId = 4201, EventName = "DeliveryMoved", Level = LogLevel.Information,
        Message = "Delivery {DeliveryId} moved order {OrderId} from {From} to {To}")]
    private static partial void LogMoved(ILogger logger, long deliveryId, long orderId, OrderStatus from, OrderStatus to);

    [LoggerMessage(EventId = 4202, EventName = "DeliveryRated", Level = LogLevel.Information,
        Message = "Delivery {DeliveryId} was rated {Rating}")]
    private static partial void LogRated(ILogger logger, long deliveryId, int rating);
}
