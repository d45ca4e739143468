using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Orders;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Drivers;

/// <summary>A new driver, or the full replacement of one.</summary>
/// <param name="Name">The driver's name, 1 to 100 characters.</param>
/// <param name="Phone">A Taiwanese mobile number, 09xx-xxx-xxx.</param>
/// <param name="Active">Whether the driver can be assigned deliveries; true when omitted.</param>
/// <param name="UserName">The staff account the driver signs in with, if any.</param>
public sealed record DriverRequest(string? Name, string? Phone, bool? Active, string? UserName);

/// <summary>A driver as the API returns it.</summary>
public sealed record DriverResponse(long Id, string Name, string Phone, bool Active, string? UserName)
{
    /// <summary>Maps a driver entity.</summary>
    public static DriverResponse From(Driver driver) => new(driver.Id, driver.Name, driver.Phone, driver.Active, driver.UserName);
}

/// <summary>The <c>/api/v1/drivers</c> endpoints.</summary>
public static class DriverEndpoints
{
    /// <summary>Maps the driver endpoints.</summary>
    public static RouteGroupBuilder MapDriverEndpoints(this IEndpointRouteBuilder app)
    {
        var drivers = app.MapGroup("/api/v1/drivers").WithTags("Drivers");

        drivers.MapPost("/", CreateAsync).RequireAuthorization(Policies.Manage);
        drivers.MapGet("/", ListAsync).RequireAuthorization(Policies.Dispatch);
        drivers.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.Dispatch);
        drivers.MapPut("/{id:long}", UpdateAsync).RequireAuthorization(Policies.Manage);

        return drivers;
    }

    private static async Task<IResult> CreateAsync(
        DriverRequest request, HttpContext context, WriteDbContext database, TimeProvider clock, CancellationToken cancellationToken)
    {
        var driver = new Driver { Name = "", Phone = "", CreatedAt = clock.GetUtcNow() };
        var validation = Apply(request, driver);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        database.Drivers.Add(driver);
        if (!await TrySaveAsync(database, cancellationToken))
        {
            return UserNameTaken(driver.UserName);
        }

        await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
        return TypedResults.Created($"/api/v1/drivers/{driver.Id}", DriverResponse.From(driver));
    }

    private static async Task<IResult> UpdateAsync(
        long id, DriverRequest request, HttpContext context, WriteDbContext database, CancellationToken cancellationToken)
    {
        var driver = await database.Drivers.SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        if (driver is null)
        {
            return NotFound(id);
        }

        var validation = Apply(request, driver);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!await TrySaveAsync(database, cancellationToken))
        {
            return UserNameTaken(driver.UserName);
        }

        await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
        return TypedResults.Ok(DriverResponse.From(driver));
    }

    private static async Task<Results<Ok<DriverResponse>, ProblemHttpResult>> GetAsync(
        long id, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var database = await reads.GetAsync(cancellationToken);
        var driver = await database.Drivers.AsNoTracking().SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        return driver is null ? NotFound(id) : TypedResults.Ok(DriverResponse.From(driver));
    }

    private static async Task<IResult> ListAsync(
        bool? active, int? page, int? pageSize, ConsistentReads reads, CancellationToken cancellationToken)
    {
        var validation = Paging.Validate(page, pageSize);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        var drivers = database.Drivers.AsNoTracking();
        if (active is { } isActive)
        {
            drivers = drivers.Where(driver => driver.Active == isActive);
        }

        // A depot has tens of drivers, so the default page contains them all.
        var pageNumber = page ?? 1;
        var size = pageSize ?? Paging.MaxPageSize;
        var total = await drivers.CountAsync(cancellationToken);
        var items = await drivers.OrderBy(driver => driver.Name).ThenBy(driver => driver.Id)
            .Skip((pageNumber - 1) * size).Take(size)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PageResponse<DriverResponse>([.. items.Select(DriverResponse.From)], pageNumber, size, total));
    }

    private static Validation Apply(DriverRequest request, Driver driver)
    {
        var validation = new Validation();
        var name = request.Name?.Trim();
        validation.Require(!string.IsNullOrEmpty(name) && name.Length <= 100, "name", "name must be 1 to 100 characters.");

        if (!TaiwanPhoneNumber.TryParse(request.Phone, out var phone, out var phoneError))
        {
            validation.Add("phone", phoneError);
        }
        else
        {
            validation.Require(phone.Kind == TaiwanPhoneNumberKind.Mobile, "phone",
                "phone must be a mobile number (09xx-xxx-xxx), which a driver carries on the road.");
        }

        // The same rules and lower-case form as staff accounts, so the driver's sign-in matches.
        var userName = string.IsNullOrWhiteSpace(request.UserName) ? null : StaffUserRules.NormalizeUserName(request.UserName);
        if (userName is not null)
        {
            StaffUserRules.ValidateUserName(validation, userName);
        }

        if (validation.IsValid)
        {
            driver.Name = name!;
            driver.Phone = phone!.DisplayForm;
            driver.Active = request.Active ?? true;
            driver.UserName = userName;
        }

        return validation;
    }

    /// <summary>Saves, returning false when another driver already has the user name.</summary>
    private static async Task<bool> TrySaveAsync(WriteDbContext database, CancellationToken cancellationToken)
    {
        try
        {
            await database.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }

    private static ProblemHttpResult UserNameTaken(string? userName) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The user name belongs to another driver.",
        detail: $"Another driver already signs in as '{userName}'; choose that driver or another user name.");

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound("driver", id);
}
