using LuckyGas.Api.Data.Entities;
using LuckyGas.Api.Domain;
using LuckyGas.Api.Infrastructure;

namespace LuckyGas.Api.Features.Customers;

/// <summary>Validates and normalizes a <see cref="CustomerRequest"/>.</summary>
public static class CustomerValidation
{
    /// <summary>The longest accepted customer name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// Checks every field, and when all are valid, writes their normalized values (canonical phone,
    /// 臺 spelling, sorted sizes) into <paramref name="customer"/>.
    /// </summary>
    public static Validation Apply(CustomerRequest request, Customer customer)
    {
        var validation = new Validation();

        validation.Require(request.Kind is not null, "kind",
            $"kind must be one of {string.Join(", ", Enum.GetNames<CustomerKind>())}.");

        var name = request.Name?.Trim();
        validation.Require(!string.IsNullOrEmpty(name) && name.Length <= MaxNameLength, "name",
            $"name must be 1 to {MaxNameLength} characters.");

        if (!TaiwanPhoneNumber.TryParse(request.Phone, out var phone, out var phoneError))
        {
            validation.Add("phone", phoneError);
        }

        _ = TaiwanAddress.TryCreate(request.City, request.District, request.Street, out var address, out var addressErrors);
        foreach (var error in addressErrors)
        {
            validation.Add(error.Field, error.Message);
        }

        var sizes = request.CylinderSizes ?? [];
        validation.Require(sizes.Length > 0, "cylinderSizes",
            $"cylinderSizes must list at least one size in kilograms: {CylinderSizes.AllowedKilogramsText}.");
        if (sizes.Length > CylinderSizes.All.Count)
        {
            // One message, however long the list: an error per element would make the response
            // to a large body many times its size.
            validation.Add("cylinderSizes",
                $"cylinderSizes may list at most {CylinderSizes.All.Count} sizes, each once: {CylinderSizes.AllowedKilogramsText}.");
            sizes = [];
        }

        foreach (var size in sizes)
        {
            if (!CylinderSizes.TryFromKilograms(size, out _, out var sizeError))
            {
                validation.Add("cylinderSizes", sizeError);
            }
        }

        if (validation.IsValid)
        {
            customer.Kind = request.Kind!.Value;
            customer.Name = name!;
            customer.Phone = phone!.DisplayForm;
            customer.City = address!.City;
            customer.District = address.District;
            customer.Street = address.Street;
            customer.CylinderSizes = [.. sizes.Distinct().Order()];
        }

        return validation;
    }
}
