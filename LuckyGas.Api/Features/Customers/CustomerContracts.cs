using LuckyGas.Api.Data.Entities;

namespace LuckyGas.Api.Features.Customers;

/// <summary>A new customer, or the full replacement of one.</summary>
/// <param name="Kind">Household, Restaurant or Factory.</param>
/// <param name="Name">The customer's name, 1 to 100 characters.</param>
/// <param name="Phone">A Taiwanese mobile (09xx-xxx-xxx) or landline number with its area code.</param>
/// <param name="City">One of the 22 cities and counties, such as 臺北市 (台北市 is accepted).</param>
/// <param name="District">A district of the city, such as 大安區.</param>
/// <param name="Street">The street address, at most 200 characters.</param>
/// <param name="CylinderSizes">The sizes the customer uses, in kilograms: 4, 10, 16, 20 or 50.</param>
public sealed record CustomerRequest(
    CustomerKind? Kind, string? Name, string? Phone, string? City, string? District, string? Street, int[]? CylinderSizes);

/// <summary>A customer as the API returns it.</summary>
public sealed record CustomerResponse(
    long Id,
    CustomerKind Kind,
    string Name,
    string Phone,
    string City,
    string District,
    string Street,
    IReadOnlyList<int> CylinderSizes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Maps a customer entity.</summary>
    public static CustomerResponse From(Customer customer) => new(
        customer.Id, customer.Kind, customer.Name, customer.Phone, customer.City, customer.District,
        customer.Street, customer.CylinderSizes, customer.CreatedAt, customer.UpdatedAt);
}

/// <summary>The filters and page of a customer search.</summary>
/// <param name="Search">Part of the name, or part of the phone number's digits.</param>
/// <param name="City">An exact city.</param>
/// <param name="District">An exact district.</param>
/// <param name="Kind">A customer kind.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The page size, from 1 to 100.</param>
public sealed record CustomerListQuery(
    string? Search, string? City, string? District, CustomerKind? Kind, int? Page, int? PageSize);
