using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Orders;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.Caching;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Customers;

/// <summary>The <c>/api/v1/customers</c> endpoints.</summary>
public static class CustomerEndpoints
{
    // A name is at most 100 characters, so a longer search text cannot match one.
    private const int MaxSearchLength = CustomerValidation.MaxNameLength;

    /// <summary>Maps the customer endpoints.</summary>
    public static RouteGroupBuilder MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/v1/customers").WithTags("Customers");

        customers.MapPost("/", CreateAsync).RequireAuthorization(Policies.Dispatch);
        customers.MapGet("/", ListAsync).RequireAuthorization(Policies.Drive);
        customers.MapGet("/{id:long}", GetAsync).RequireAuthorization(Policies.Drive);
        customers.MapPut("/{id:long}", UpdateAsync).RequireAuthorization(Policies.Dispatch);

        return customers;
    }

    private static async Task<IResult> CreateAsync(
        CustomerRequest request, HttpContext context, WriteDbContext database, TimeProvider clock, RedisReadCache cache,
        CancellationToken cancellationToken)
    {
        var customer = new Customer { Name = "", Phone = "", City = "", District = "", Street = "" };
        var validation = CustomerValidation.Apply(request, customer);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        customer.CreatedAt = customer.UpdatedAt = clock.GetUtcNow();
        database.Customers.Add(customer);
        await database.SaveChangesAsync(cancellationToken);

        // Not-found reads are never cached, but an id may be in the cache from before a restore
        // from backup rolled the id sequence back.
        await cache.InvalidateAsync(CacheEntry.Customer(customer.Id));
        await ConsistentReads.SetTokenAsync(context, database, cancellationToken);

        return TypedResults.Created($"/api/v1/customers/{customer.Id}", CustomerResponse.From(customer));
    }

    private static async Task<IResult> UpdateAsync(
        long id, CustomerRequest request, HttpContext context, WriteDbContext database, TimeProvider clock,
        RedisReadCache cache, CancellationToken cancellationToken)
    {
        var customer = await database.Customers.SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        if (customer is null)
        {
            return NotFound(id);
        }

        var validation = CustomerValidation.Apply(request, customer);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        customer.UpdatedAt = clock.GetUtcNow();
        await database.SaveChangesAsync(cancellationToken);

        // After the commit, so that no instance can cache the old row again once this returns.
        await cache.InvalidateAsync(CacheEntry.Customer(id));
        await ConsistentReads.SetTokenAsync(context, database, cancellationToken);
        return TypedResults.Ok(CustomerResponse.From(customer));
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> GetAsync(
        long id, HttpContext context, RedisReadCache cache, ConsistentReads reads, WriteDbContext primary,
        CancellationToken cancellationToken)
    {
        // A value to cache is read from the primary; without the cache, the read goes to a standby.
        var read = await cache.GetOrLoadAsync(CacheEntry.Customer(id),
            loadLatest: token => FindAsync(primary, id, token),
            loadUncached: async token => await FindAsync(await reads.GetAsync(token), id, token),
            cancellationToken);
        context.Response.Headers[CacheHeaders.Outcome] = read.Outcome.ToHeaderValue();
        return read.Value is null ? NotFound(id) : TypedResults.Ok(read.Value);
    }

    private static async Task<CustomerResponse?> FindAsync(LuckyGasDbContext database, long id, CancellationToken cancellationToken)
    {
        var customer = await database.Customers.AsNoTracking().SingleOrDefaultAsync(item => item.Id == id, cancellationToken);
        return customer is null ? null : CustomerResponse.From(customer);
    }

    private static async Task<IResult> ListAsync(
        [AsParameters] CustomerListQuery query, HttpRequest request, ConsistentReads reads,
        CancellationToken cancellationToken)
    {
        var validation = Paging.Validate(query.Page, query.PageSize)
            .Require(query.Search is null || query.Search.Length <= MaxSearchLength,
                "search", $"search must be at most {MaxSearchLength} characters: part of a name or phone number.")
            .RequireEnumName<CustomerKind>("kind", request.Query["kind"]);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var database = await reads.GetAsync(cancellationToken);
        var customers = database.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // The search text is a bound parameter; LIKE wildcards in it are escaped.
            var pattern = $"%{EscapeLike(query.Search.Trim())}%";
            var digits = new string([.. query.Search.Where(char.IsAsciiDigit)]);
            customers = digits.Length >= 3
                ? customers.Where(customer => EF.Functions.ILike(customer.Name, pattern, "\\") ||
                    EF.Functions.Like(customer.Phone.Replace("-", ""), $"%{digits}%"))
                : customers.Where(customer => EF.Functions.ILike(customer.Name, pattern, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(query.City))
        {
            var city = Domain.TaiwanDistricts.NormalizeName(query.City);
            customers = customers.Where(customer => customer.City == city);
        }

        if (!string.IsNullOrWhiteSpace(query.District))
        {
            var district = Domain.TaiwanDistricts.NormalizeName(query.District);
            customers = customers.Where(customer => customer.District == district);
        }

        if (query.Kind is { } kind)
        {
            customers = customers.Where(customer => customer.Kind == kind);
        }

        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? 20;
        var total = await customers.CountAsync(cancellationToken);
        var items = await customers.OrderBy(customer => customer.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);

        return TypedResults.Ok(new PageResponse<CustomerResponse>([.. items.Select(CustomerResponse.From)], page, pageSize, total));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound("customer", id);
}
