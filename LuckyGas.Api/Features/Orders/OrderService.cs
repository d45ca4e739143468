using System.Security.Cryptography;
using System.Text.Json;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.Caching;
using Microsoft.EntityFrameworkCore;

using LuckyGas.Api.Features.Monitoring;

namespace LuckyGas.Api.Features.Orders;

/// <summary>The outcome of creating an order.</summary>
public abstract record CreateOrderResult
{
    /// <summary>A new order was created.</summary>
    public sealed record Created(Order Order) : CreateOrderResult;

    /// <summary>The idempotency key was used before with the same body: the first order.</summary>
    public sealed record Replayed(Order Order) : CreateOrderResult;

    /// <summary>The idempotency key was used before with a different body.</summary>
    public sealed record KeyReused : CreateOrderResult;

    /// <summary>The request has invalid fields.</summary>
    public sealed record Invalid(Validation Validation) : CreateOrderResult;
}

/// <summary>Creates orders, honouring idempotency keys, and moves them through their lifecycle.</summary>
public sealed partial class OrderService(
    WriteDbContext database, RedisReadCache cache, BusinessMetrics metrics, TimeProvider clock, ILogger<OrderService> logger)
{
    /// <summary>How long an idempotency key is kept after its first use.</summary>
    public static readonly TimeSpan IdempotencyKeyLifetime = TimeSpan.FromHours(24);

    /// <summary>The most cylinders of one size on one order.</summary>
    public const int MaxQuantity = 20;

    /// <summary>The longest delivery window an order may ask for.</summary>
    public static readonly TimeSpan MaxWindowLength = TimeSpan.FromDays(7);

    /// <summary>How far ahead an order may be placed.</summary>
    public static readonly TimeSpan MaxLeadTime = TimeSpan.FromDays(90);

    /// <summary>
    /// Validates and prices a new order and stores it. With an idempotency key, the key is
    /// claimed in the same transaction as the order: a concurrent request with the same key, on
    /// any API instance, waits on the claim row and then returns the first order.
    /// </summary>
    public async Task<CreateOrderResult> CreateAsync(
        CreateOrderRequest request, string caller, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var validation = await ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return new CreateOrderResult.Invalid(validation);
        }

        // The connection retries transient failures (a failover, say) by running the whole
        // transaction again, so each attempt starts from a clean change tracker.
        var strategy = database.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            token => CreateInTransactionAsync(request, caller, idempotencyKey, token), cancellationToken);
    }

    private async Task<CreateOrderResult> CreateInTransactionAsync(
        CreateOrderRequest request, string caller, string? idempotencyKey, CancellationToken cancellationToken)
    {
        database.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);

        if (idempotencyKey is not null)
        {
            var requestHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request)));
            var claimed = await ClaimKeyAsync(caller, idempotencyKey, requestHash, now, cancellationToken);
            if (!claimed)
            {
                var record = await database.IdempotencyRecords.AsNoTracking()
                    .SingleAsync(item => item.Scope == caller && item.Key == idempotencyKey, cancellationToken);
                if (record.RequestHash != requestHash)
                {
                    LogKeyReused(logger, caller);
                    return new CreateOrderResult.KeyReused();
                }

                var first = await database.Orders.AsNoTracking()
                    .SingleAsync(order => order.Id == record.ResourceId, cancellationToken);
                LogReplayed(logger, first.Id, caller);
                return new CreateOrderResult.Replayed(first);
            }
        }

        var order = await BuildOrderAsync(request, caller, now, cancellationToken);
        database.Orders.Add(order);
        await database.SaveChangesAsync(cancellationToken);

        if (idempotencyKey is not null)
        {
            await database.IdempotencyRecords
                .Where(item => item.Scope == caller && item.Key == idempotencyKey)
                .ExecuteUpdateAsync(setters => setters.SetProperty(item => item.ResourceId, order.Id), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        metrics.RecordOrderCreated();
        LogCreated(logger, order.Id, order.CustomerId, order.TotalNtd, caller);
        return new CreateOrderResult.Created(order);
    }

    /// <summary>
    /// Moves an order to <paramref name="to"/> when its lifecycle allows it. Returns the order, or
    /// null when it does not exist; throws <see cref="InvalidTransitionException"/> otherwise.
    /// </summary>
    /// <remarks>
    /// Scheduling needs a driver, so it happens only through a delivery assignment. Marking an
    /// order delivered also completes its delivery, so the two never disagree.
    /// </remarks>
    public Task<Order?> ChangeStatusAsync(long id, OrderStatus to, CancellationToken cancellationToken)
    {
        var strategy = database.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async token =>
        {
            database.ChangeTracker.Clear();
            await using var transaction = await database.Database.BeginTransactionAsync(token);

            // The row lock makes concurrent moves of one order (a cancel racing a departure, say)
            // take turns, so each reads the status the previous one left.
            var order = await LockOrderAsync(database, id, token);
            if (order is null)
            {
                return null;
            }

            var from = order.Status;
            if (to == OrderStatus.Scheduled && from == OrderStatus.Pending)
            {
                throw new InvalidTransitionException(id, from, to,
                    "Assign a driver with POST /api/v1/deliveries, which schedules the order.");
            }

            if (!OrderStatusTransitions.IsAllowed(from, to))
            {
                throw new InvalidTransitionException(id, from, to);
            }

            var now = clock.GetUtcNow();
            order.Status = to;
            order.UpdatedAt = now;
            if (to == OrderStatus.Delivered)
            {
                await database.Deliveries
                    .Where(delivery => delivery.OrderId == id && delivery.DeliveredAt == null)
                    .ExecuteUpdateAsync(setters => setters.SetProperty(delivery => delivery.DeliveredAt, now), token);
            }

            await database.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            // The delivery's assignment time is not loaded here, so no duration is recorded.
            metrics.RecordOrderMoved(to, order.TotalNtd, assignedAt: null, now);
            LogStatusChanged(logger, id, from, to);
            return order;
        }, cancellationToken);
    }

    /// <summary>Loads an order with a row lock held until the current transaction ends.</summary>
    public static Task<Order?> LockOrderAsync(WriteDbContext database, long id, CancellationToken cancellationToken) =>
        database.Orders.FromSql($"SELECT * FROM orders WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(cancellationToken);

    /// <summary>Returns the consistency token of the writes made so far.</summary>
    public Task<string> CaptureConsistencyTokenAsync(CancellationToken cancellationToken) =>
        ConsistentReads.CaptureTokenAsync(database, cancellationToken);

    private async Task<bool> ClaimKeyAsync(
        string caller, string key, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // INSERT ... ON CONFLICT waits for a concurrent transaction that has claimed the same key to end,
        // then either claims it (inserted, or an expired claim taken over) or reports it taken.
        var claimed = await database.Database.SqlQuery<int>($"""
            INSERT INTO idempotency_records (scope, key, request_hash, created_at, expires_at)
            VALUES ({caller}, {key}, {requestHash}, {now}, {now + IdempotencyKeyLifetime})
            ON CONFLICT (scope, key) DO UPDATE
                SET request_hash = excluded.request_hash, resource_id = NULL,
                    created_at = excluded.created_at, expires_at = excluded.expires_at
                WHERE idempotency_records.expires_at < excluded.created_at
            RETURNING 1 AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 1;
    }

    private async Task<Validation> ValidateAsync(CreateOrderRequest request, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (request.CustomerId is not { } customerId)
        {
            validation.Add("customerId", "customerId is required: the id of an existing customer.");
        }
        else
        {
            var customerExists = await database.Customers.AnyAsync(customer => customer.Id == customerId, cancellationToken);
            validation.Require(customerExists, "customerId",
                $"customerId must be the id of an existing customer; {customerId} was not found.");
        }

        ValidateLines(request.Lines, validation);
        ValidateWindow(request.WindowStart, request.WindowEnd, validation);
        return validation;
    }

    private static void ValidateLines(IReadOnlyList<OrderLineRequest?>? lines, Validation validation)
    {
        if (lines is not { Count: > 0 })
        {
            validation.Add("lines", "lines must contain at least one line with sizeKg and quantity.");
            return;
        }

        if (lines.Count > CylinderSizes.All.Count)
        {
            validation.Add("lines", $"lines may contain at most {CylinderSizes.All.Count} lines, one per cylinder size.");
            return;
        }

        for (var index = 0; index < lines.Count; index++)
        {
            if (lines[index] is not { } line)
            {
                validation.Add($"lines[{index}]", "each line must be an object with sizeKg and quantity.");
                continue;
            }

            if (!CylinderSizes.TryFromKilograms(line.SizeKg, out _, out var sizeError))
            {
                validation.Add($"lines[{index}].sizeKg", sizeError);
            }

            validation.Require(line.Quantity is >= 1 and <= MaxQuantity, $"lines[{index}].quantity",
                $"quantity must be from 1 to {MaxQuantity}.");
        }

        var repeated = lines.OfType<OrderLineRequest>()
            .GroupBy(line => line.SizeKg).Where(group => group.Count() > 1).Select(group => group.Key);
        foreach (var size in repeated)
        {
            validation.Add("lines", $"each size may appear once; {size} kg appears more than once, so add the quantities.");
        }
    }

    private void ValidateWindow(DateTimeOffset? start, DateTimeOffset? end, Validation validation)
    {
        if (start is null || end is null)
        {
            validation.Require(start is not null, "windowStart", "windowStart is required, as a time with its offset.");
            validation.Require(end is not null, "windowEnd", "windowEnd is required, as a time with its offset.");
            return;
        }

        var now = clock.GetUtcNow();
        validation.Require(end > start, "windowEnd", "windowEnd must be after windowStart.");
        validation.Require(end > now, "windowEnd", "windowEnd must be in the future.");
        validation.Require(end - start <= MaxWindowLength, "windowEnd",
            $"the delivery window may span at most {MaxWindowLength.TotalDays} days.");
        validation.Require(start <= now + MaxLeadTime, "windowStart",
            $"windowStart must be within {MaxLeadTime.TotalDays} days from now.");
    }

    private async Task<Order> BuildOrderAsync(
        CreateOrderRequest request, string caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = TaipeiTime.Today(clock);
        var prices = await CylinderPriceList.GetAsync(cache, database, cancellationToken);

        var lines = request.Lines!.OfType<OrderLineRequest>().Select(line => new OrderLine
        {
            SizeKg = line.SizeKg,
            Quantity = line.Quantity,
            UnitPriceNtd = prices.PriceOn(line.SizeKg, today),
        }).ToList();

        return new Order
        {
            CustomerId = request.CustomerId!.Value,
            Status = OrderStatus.Pending,
            Lines = lines,
            TotalNtd = lines.Sum(line => line.UnitPriceNtd * line.Quantity),
            WindowStart = request.WindowStart!.Value.ToUniversalTime(),
            WindowEnd = request.WindowEnd!.Value.ToUniversalTime(),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = caller,
        };
    }

    [LoggerMessage(EventId = 4000, EventName = "OrderCreated", Level = LogLevel.Information,
        Message = "Created order {OrderId} for customer {CustomerId}, total NT${TotalNtd}, by {Caller}")]
    private static partial void LogCreated(ILogger logger, long orderId, long customerId, int totalNtd, string caller);

    [LoggerMessage(EventId = 4001, EventName = "OrderReplayed", Level = LogLevel.Information,
        Message = "Returned order {OrderId} again for a retry with the same idempotency key by {Caller}")]
    private static partial void LogReplayed(ILogger logger, long orderId, string caller);

    [LoggerMessage(EventId = 4002, EventName = "IdempotencyKeyReused", Level = LogLevel.Warning,
        Message = "Rejected an idempotency key that {Caller} reused with a different body")]
    private static partial void LogKeyReused(ILogger logger, string caller);

    [LoggerMessage(EventId = 4003, EventName = "OrderStatusChanged", Level = LogLevel.Information,
        Message = "Moved order {OrderId} from {From} to {To}")]
    private static partial void LogStatusChanged(ILogger logger, long orderId, OrderStatus from, OrderStatus to);
}

/// <summary>An order cannot move from its current state to the requested one.</summary>
public sealed class InvalidTransitionException(long orderId, OrderStatus from, OrderStatus to, string? hint = null)
    : Exception($"Order {orderId} cannot move from {from} to {to}.")
{
    /// <summary>What to do instead, when there is a way.</summary>
    public string? Hint { get; } = hint;

    public long OrderId { get; } = orderId;

    public OrderStatus From { get; } = from;

    public OrderStatus To { get; } = to;
}
