using LuckyGas.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Data;

/// <summary>
/// The model shared by <see cref="WriteDbContext"/> and <see cref="ReadDbContext"/>, which differ
/// only in where they connect.
/// </summary>
public abstract class LuckyGasDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<CylinderPrice> CylinderPrices => Set<CylinderPrice>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Driver> Drivers => Set<Driver>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<StaffUser> StaffUsers => Set<StaffUser>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LuckyGasDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name, so a reordered enum cannot change what a row means.
        configurationBuilder.Properties<CustomerKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<OrderStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<StaffRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ApiKeyTier>().HaveConversion<string>().HaveMaxLength(16);
    }
}

/// <summary>The context for writes, connected through pgBouncer to the primary.</summary>
public sealed class WriteDbContext(DbContextOptions<WriteDbContext> options) : LuckyGasDbContext(options);

/// <summary>
/// The context for reads, connected to a standby whose replication lag is within bounds, or to the
/// primary; it never tracks entities.
/// </summary>
public sealed class ReadDbContext(DbContextOptions<ReadDbContext> options) : LuckyGasDbContext(options);
