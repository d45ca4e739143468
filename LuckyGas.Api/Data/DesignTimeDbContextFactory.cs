using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LuckyGas.Api.Data;

/// <summary>
/// Creates a <see cref="WriteDbContext"/> for <c>dotnet ef migrations</c>, which builds the model
/// without connecting to a server.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<WriteDbContext>
{
    public WriteDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=luckygas")
            .UseSnakeCaseNamingConvention()
            .Options;
        return new WriteDbContext(options);
    }
}
