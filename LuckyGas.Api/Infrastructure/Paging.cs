namespace LuckyGas.Api.Infrastructure;

/// <summary>The limits of paged lists.</summary>
public static class Paging
{
    /// <summary>The largest page number, so that the offset (page − 1) × size stays far from overflow.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The largest page size.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Checks a page number and size, either of which may be omitted.</summary>
    public static Validation Validate(int? page, int? pageSize) => new Validation()
        .Require(page is null or (>= 1 and <= MaxPage), "page", $"page must be from 1 to {MaxPage}.")
        .Require(pageSize is null or (>= 1 and <= MaxPageSize), "pageSize", $"pageSize must be from 1 to {MaxPageSize}.");
}
