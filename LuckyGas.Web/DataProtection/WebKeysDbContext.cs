using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Web.DataProtection;

/// <summary>
/// The web application's own table in the platform database: the data protection key ring that
/// every web instance reads, so a cookie protected by one instance is readable by the others.
/// </summary>
public sealed class WebKeysDbContext(DbContextOptions<WebKeysDbContext> options)
    : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>The table name, prefixed so that it never collides with the API's tables.</summary>
    public const string TableName = "web_data_protection_keys";

    /// <inheritdoc />
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DataProtectionKey>(key =>
        {
            key.ToTable(TableName);
            key.Property(item => item.Id).HasColumnName("id");
            key.Property(item => item.FriendlyName).HasColumnName("friendly_name");
            key.Property(item => item.Xml).HasColumnName("xml");
        });
    }
}
