using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Orders;

/// <summary>The <c>/api/v1/orders</c> endpoints.</summary>
public static class OrderEndpoints
{
    /// <summary>The longest accepted <c>Idempotency-Key</c> header.</summary>
    public const int MaxIdempotencyKeyLength = 100;

    /// <summary>Maps the order endpoints.</summary>
    public static RouteGroupBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/v1/orders").WithTags("Orders");

        orders.MapPost("/", CreateAsync).RequireAuthorization(Policies.Dispatch);
        orders.MapGet("/", ListAsync).RequireAuthorization(Policies.Drive);
        orders.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.Drive);
        orders.MapPost("/{id:long}/status", ChangeStatusAsync).RequireAuthorization(Policies.Dispatch);
        orders.MapPost("/{id:long}/cancel", CancelAsync).RequireAuthorization(Policies.Dispatch);

        return orders;
    }

    private static async Task<IResult> CreateAsync(
        CreateOrderRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        HttpContext context,
        OrderService orders,
        CancellationToken cancellationToken)
    {
        // Two headers, or two values in one, would bind as one comma-joined key that no client
        // meant to send. A key therefore may not contain a comma.
        if (context.Request.Headers["Idempotency-Key"].Count > 1 || idempotencyKey?.Contains(',', StringComparison.Ordinal) == true)
        {
            return new Validation()
                .Add("Idempotency-Key", "send one Idempotency-Key header with one key, without commas.")
                .ToProblem();
        }

        // An empty header binds as null, so the header itself is checked: an empty key would
        // otherwise create the order without idempotency.
        var keySent = context.Request.Headers.ContainsKey("Idempotency-Key");
        if (keySent && (string.IsNullOrEmpty(idempotencyKey) || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            return new Validation()
                .Add("Idempotency-Key", $"the Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} characters, such as a UUID.")
                .ToProblem();
        }

        var caller = Callers.Identify(context.User);
        var result = await orders.CreateAsync(request, caller, idempotencyKey, cancellationToken);
        if (result is CreateOrderResult.Created or CreateOrderResult.Replayed)
        {
            context.Response.Headers[ConsistentReads.HeaderName] = await orders.CaptureConsistencyTokenAsync(cancellationToken);
        }

        return result switch
        {
            CreateOrderResult.Created(var order) =>
                TypedResults.Created($"/api/v1/orders/{order.Id}", OrderResponse.From(order)),
            CreateOrderResult.Replayed(var order) =>
                TypedResults.Created($"/api/v1/orders/{order.Id}", OrderResponse.From(order)),
            CreateOrderResult.KeyReused => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The idempotency key was already used with a different request body.",
                detail: "Send a new Idempotency-Key for a different order, or resend the original body to get the first result."),
            CreateOrderResult.Invalid(var validation) => validation.ToProblem(),
            _ => throw new InvalidOperationException($"Unexpected result {result.GetType().Name}."),
        };
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(
        long id, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        var order = await database.Orders.AsNoTracking().SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        return order is null ? NotFound(id) : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<IResult> ListAsync(
        [AsParameters] OrderListQuery query, HttpRequest request, ConsistentReads reads,
        CancellationToken cancellationToken)
    {
        var validation = query.Validate()
            .RequireEnumName<OrderStatus>("status", request.Query["status"]);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        var orders = database.Orders.AsNoTracking();
        if (query.Status is { } status)
        {
            orders = orders.Where(order => order.Status == status);
        }

        if (query.CustomerId is { } customerId)
        {
            orders = orders.Where(order => order.CustomerId == customerId);
        }

        if (!string.IsNullOrWhiteSpace(query.District))
        {
            var district = Domain.TaiwanDistricts.NormalizeName(query.District);
            orders = orders.Where(order => order.Customer!.District == district);
        }

        // Npgsql compares timestamptz values in UTC only, whatever offset the client sent.
        if (query.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            orders = orders.Where(order => order.CreatedAt >= fromUtc);
        }

        if (query.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            orders = orders.Where(order => order.CreatedAt < toUtc);
        }

        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 20;
        var total = await orders.CountAsync(cancellationToken);
        var items = await orders
            .OrderByDescending(order => order.CreatedAt).ThenByDescending(order => order.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);

        return TypedResults.Ok(new PageResponse<OrderResponse>([.. items.Select(OrderResponse.From)], page, pageSize, total));
    }

    private static Task<IResult> ChangeStatusAsync(
        long id, ChangeOrderStatusRequest request, HttpContext context, OrderService orders, CancellationToken cancellationToken)
    {
        if (request.Status is not { } status)
        {
            IResult invalid = new Validation()
                .Add("status", $"status must be one of {string.Join(", ", Enum.GetNames<OrderStatus>())}.")
                .ToProblem();
            return Task.FromResult(invalid);
        }

        return MoveAsync(id, status, context, orders, cancellationToken);
    }

    private static Task<IResult> CancelAsync(long id, HttpContext context, OrderService orders, CancellationToken cancellationToken) =>
        MoveAsync(id, OrderStatus.Cancelled, context, orders, cancellationToken);

    private static async Task<IResult> MoveAsync(
        long id, OrderStatus to, HttpContext context, OrderService orders, CancellationToken cancellationToken)
    {
        try
        {
            var order = await orders.ChangeStatusAsync(id, to, cancellationToken);
            if (order is null)
            {
                return NotFound(id);
            }

            context.Response.Headers[ConsistentReads.HeaderName] = await orders.CaptureConsistencyTokenAsync(cancellationToken);
            return TypedResults.Ok(OrderResponse.From(order));
        }
        catch (InvalidTransitionException exception)
        {
            var allowed = OrderStatusTransitions.Next(exception.From);
            var next = allowed.Count == 0 ? "no other status." : $"{string.Join(" or ", allowed)}.";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The order cannot move to that status.",
                detail: exception.Hint is null
                    ? $"{exception.Message} From {exception.From} it can move to {next}"
                    : $"{exception.Message} {exception.Hint}");
        }
    }

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound("order", id);
}

/// <summary>The filters and page of an order list.</summary>
public sealed record OrderListQuery(
    OrderStatus? Status, long? CustomerId, string? District, DateTimeOffset? From, DateTimeOffset? To, int? Page, int? PageSize)
{
    /// <summary>Checks the page numbers and the date range.</summary>
    public Validation Validate() => Paging.Validate(Page, PageSize)
        .Require(From is null || To is null || From < To, "to", "to must be after from.");
}
