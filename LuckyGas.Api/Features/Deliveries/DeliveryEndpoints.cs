using System.Security.Claims;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Orders;
using LuckyGas.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Deliveries;

/// <summary>The <c>/api/v1/deliveries</c> endpoints.</summary>
public static class DeliveryEndpoints
{
    /// <summary>The longest rating comment.</summary>
    public const int MaxCommentLength = 500;

    /// <summary>Maps the delivery endpoints.</summary>
    public static RouteGroupBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var deliveries = app.MapGroup("/api/v1/deliveries").WithTags("Deliveries");

        deliveries.MapPost("/", AssignAsync).RequireAuthorization(Policies.Dispatch);
        deliveries.MapGet("/", ListAsync).RequireAuthorization(Policies.Drive);
        deliveries.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.Drive);
        deliveries.MapPost("/{id:long}/depart", DepartAsync).RequireAuthorization(Policies.Drive);
        deliveries.MapPost("/{id:long}/complete", CompleteAsync).RequireAuthorization(Policies.Drive);
        deliveries.MapPost("/{id:long}/rating", RateAsync).RequireAuthorization(Policies.Dispatch);

        return deliveries;
    }

    private static async Task<IResult> AssignAsync(
        AssignDeliveryRequest request, HttpContext context, DeliveryService deliveries, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require(request.OrderId is > 0, "orderId", "orderId is required: the id of a pending order.")
            .Require(request.DriverId is > 0, "driverId", "driverId is required: the id of an active driver.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        return await RunAsync(context, deliveries,
            token => deliveries.AssignAsync(request.OrderId!.Value, request.DriverId!.Value, token), created: true, cancellationToken);
    }

    private static Task<IResult> DepartAsync(long id, HttpContext context, DeliveryService deliveries, CancellationToken cancellationToken) =>
        RunAsync(context, deliveries, token => deliveries.DepartAsync(id, DriverUserName(context.User), token), created: false, cancellationToken);

    private static Task<IResult> CompleteAsync(long id, HttpContext context, DeliveryService deliveries, CancellationToken cancellationToken) =>
        RunAsync(context, deliveries, token => deliveries.CompleteAsync(id, DriverUserName(context.User), token), created: false, cancellationToken);

    private static async Task<IResult> RateAsync(
        long id, RateDeliveryRequest request, HttpContext context, DeliveryService deliveries, CancellationToken cancellationToken)
    {
        var validation = new Validation()
            .Require(request.Rating is >= 1 and <= 5, "rating", "rating must be a whole number from 1 to 5.")
            .Require(request.Comment is null || request.Comment.Length <= MaxCommentLength, "comment",
                $"comment must be at most {MaxCommentLength} characters.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        return await RunAsync(context, deliveries,
            token => deliveries.RateAsync(id, request.Rating!.Value, request.Comment, token), created: false, cancellationToken);
    }

    private static async Task<IResult> ListAsync(
        long? driverId, OrderStatus? status, int? page, int? pageSize, ClaimsPrincipal user,
        HttpRequest request, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var validation = Paging.Validate(page, pageSize)
            .RequireEnumName<OrderStatus>("status", request.Query["status"]);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        var deliveries = database.Deliveries.AsNoTracking().Include(delivery => delivery.Order).AsQueryable();

        // Drivers see only their own deliveries.
        if (DriverUserName(user) is { } driverUserName)
        {
            deliveries = deliveries.Where(delivery => delivery.Driver!.UserName == driverUserName);
        }

        if (driverId is { } driver)
        {
            deliveries = deliveries.Where(delivery => delivery.DriverId == driver);
        }

        if (status is { } orderStatus)
        {
            deliveries = deliveries.Where(delivery => delivery.Order!.Status == orderStatus);
        }

        var pageNumber = page ?? 1;
        var size = pageSize ?? 20;
        var total = await deliveries.CountAsync(cancellationToken);
        var items = await deliveries.OrderByDescending(delivery => delivery.AssignedAt)
            .Skip((pageNumber - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PageResponse<DeliveryResponse>([.. items.Select(DeliveryResponse.From)], pageNumber, size, total));
    }

    private static async Task<IResult> GetAsync(long id, ClaimsPrincipal user, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        var delivery = await database.Deliveries.AsNoTracking()
            .Include(item => item.Order).Include(item => item.Driver)
            .SingleOrDefaultAsync(item => item.Id == id, cancellationToken);

        // A driver reads only their own deliveries; another driver's is reported as not found.
        if (delivery is null || (DriverUserName(user) is { } driverUserName && delivery.Driver!.UserName != driverUserName))
        {
            return Problems.NotFound("delivery", id);
        }

        return TypedResults.Ok(DeliveryResponse.From(delivery));
    }

    private static async Task<IResult> RunAsync(
        HttpContext context, DeliveryService deliveries, Func<CancellationToken, Task<Delivery>> action, bool created,
        CancellationToken cancellationToken)
    {
        try
        {
            var delivery = await action(cancellationToken);
            context.Response.Headers[ConsistentReads.HeaderName] = await deliveries.CaptureConsistencyTokenAsync(cancellationToken);
            var response = DeliveryResponse.From(delivery);
            return created ? TypedResults.Created($"/api/v1/deliveries/{delivery.Id}", response) : TypedResults.Ok(response);
        }
        catch (DeliveryConflictException exception)
        {
            return TypedResults.Problem(statusCode: exception.StatusCode, title: exception.Title, detail: exception.Message);
        }
        catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "The order already has a delivery.",
                detail: "Another request assigned this order at the same moment; list its delivery with GET /api/v1/deliveries.");
        }
    }

    /// <summary>Returns the user name of a caller whose role is driver, or null for other roles.</summary>
    private static string? DriverUserName(ClaimsPrincipal user) =>
        user.IsInRole(nameof(StaffRole.Driver)) ? user.Identity?.Name : null;
}
