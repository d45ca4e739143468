using System.Security.Cryptography;
using System.Text.Json;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
public sealed partial class OrderService(WriteDbContext database, TimeProvider clock, ILogger<OrderService> logger)
{
    /// <summary>How long an idempotency key is kept after its first use.</summary>
    public static readonly TimeSpan IdempotencyKeyLifetime = TimeSpan.FromHours(24);

    /// <summary>The most cylinders of one size on one order.</summary>
    public const int MaxQuantity = 20;

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
        LogCreated(logger, order.Id, order.CustomerId, order.TotalNtd, caller);
        return new CreateOrderResult.Created(order);
    }

    /// <summary>
    /// Moves an order to <paramref name="to"/> when its lifecycle allows it. Returns the order, or
    /// null when it does not exist; throws <see cref="InvalidTransitionException"/> otherwise.
    /// </summary>
    public async Task<Order?> ChangeStatusAsync(long id, OrderStatus to, CancellationToken cancellationToken)
    {
        var order = await database.Orders.SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        if (order is null)
        {
            return null;
        }

        var from = order.Status;
        if (!OrderStatusTransitions.IsAllowed(from, to))
        {
            throw new InvalidTransitionException(id, from, to);
        }

        // The status in the WHERE clause makes a concurrent change lose cleanly instead of
        // overwriting: only one of two racing requests finds the order still in `from`.
        var now = clock.GetUtcNow();
        var changed = await database.Orders
            .Where(item => item.Id == id && item.Status == from)
            .ExecuteUpdateAsync(setters => setters
                .SetProperty(item => item.Status, to)
                .SetProperty(item => item.UpdatedAt, now), cancellationToken);
        if (changed == 0)
        {
            await database.Entry(order).ReloadAsync(cancellationToken);
            throw new InvalidTransitionException(id, order.Status, to);
        }

        LogStatusChanged(logger, id, from, to);
        order.Status = to;
        order.UpdatedAt = now;
        return order;
    }

    /// <summary>Returns the consistency token of the writes made so far.</summary>
    public Task<string> CaptureConsistencyTokenAsync(CancellationToken cancellationToken) =>
        ConsistentReads.CaptureTokenAsync(database, cancellationToken);

    private async Task<bool> ClaimKeyAsync(
        string caller, string key, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // INSERT ... ON CONFLICT waits for a concurrent transaction that holds the same key to end,
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
        var customerExists = await database.Customers.AnyAsync(customer => customer.Id == request.CustomerId, cancellationToken);
        validation.Require(customerExists, "customerId", $"customerId must be the id of an existing customer; {request.CustomerId} was not found.");

        if (request.Lines is not { Count: > 0 })
        {
            validation.Add("lines", "lines must contain at least one line with sizeKg and quantity.");
        }
        else
        {
            for (var index = 0; index < request.Lines.Count; index++)
            {
                var line = request.Lines[index];
                if (!CylinderSizes.TryFromKilograms(line.SizeKg, out _, out var sizeError))
                {
                    validation.Add($"lines[{index}].sizeKg", sizeError);
                }

                validation.Require(line.Quantity is >= 1 and <= MaxQuantity, $"lines[{index}].quantity",
                    $"quantity must be from 1 to {MaxQuantity}.");
            }

            var repeated = request.Lines.GroupBy(line => line.SizeKg).Where(group => group.Count() > 1).Select(group => group.Key);
            foreach (var size in repeated)
            {
                validation.Add("lines", $"each size may appear once; {size} kg appears more than once, so add the quantities.");
            }
        }

        validation.Require(request.WindowEnd > request.WindowStart, "windowEnd", "windowEnd must be after windowStart.");
        validation.Require(request.WindowEnd > clock.GetUtcNow(), "windowEnd", "windowEnd must be in the future.");
        validation.Require(request.WindowEnd - request.WindowStart <= TimeSpan.FromDays(7), "windowEnd",
            "the delivery window may span at most 7 days.");
        return validation;
    }

    private async Task<Order> BuildOrderAsync(
        CreateOrderRequest request, string caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = TaipeiTime.Today(clock);
        var sizes = request.Lines!.Select(line => line.SizeKg).ToList();
        var prices = await database.CylinderPrices.AsNoTracking()
            .Where(price => sizes.Contains(price.SizeKg) && price.EffectiveFrom <= today)
            .GroupBy(price => price.SizeKg)
            .Select(group => group.OrderByDescending(price => price.EffectiveFrom).First())
            .ToDictionaryAsync(price => price.SizeKg, price => price.PriceNtd, cancellationToken);

        var lines = request.Lines!.Select(line => new OrderLine
        {
            SizeKg = line.SizeKg,
            Quantity = line.Quantity,
            UnitPriceNtd = prices[line.SizeKg],
        }).ToList();

        return new Order
        {
            CustomerId = request.CustomerId,
            Status = OrderStatus.Pending,
            Lines = lines,
            TotalNtd = lines.Sum(line => line.UnitPriceNtd * line.Quantity),
            WindowStart = request.WindowStart.ToUniversalTime(),
            WindowEnd = request.WindowEnd.ToUniversalTime(),
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
public sealed class InvalidTransitionException(long orderId, OrderStatus from, OrderStatus to)
    : Exception($"Order {orderId} cannot move from {from} to {to}.")
{
    public long OrderId { get; } = orderId;

    public OrderStatus From { get; } = from;

    public OrderStatus To { get; } = to;
}
