using LuckyGas.Api.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuckyGas.Api.Data;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.Property(customer => customer.Name).HasMaxLength(100);
        builder.Property(customer => customer.Phone).HasMaxLength(20);
        builder.Property(customer => customer.City).HasMaxLength(10);
        builder.Property(customer => customer.District).HasMaxLength(10);
        builder.Property(customer => customer.Street).HasMaxLength(200);
        builder.HasIndex(customer => customer.Phone);
        builder.HasIndex(customer => new { customer.City, customer.District });
        builder.HasIndex(customer => customer.Name);
    }
}

internal sealed class CylinderPriceConfiguration : IEntityTypeConfiguration<CylinderPrice>
{
    public void Configure(EntityTypeBuilder<CylinderPrice> builder)
    {
        builder.HasIndex(price => new { price.SizeKg, price.EffectiveFrom }).IsUnique();
        builder.ToTable(table => table.HasCheckConstraint("ck_cylinder_prices_price_positive", "price_ntd > 0"));

        // The opening price list. Later changes add rows with a later EffectiveFrom.
        var opening = new DateOnly(2026, 1, 1);
        builder.HasData(
            new CylinderPrice { Id = 1, SizeKg = 4, PriceNtd = 260, EffectiveFrom = opening },
            new CylinderPrice { Id = 2, SizeKg = 10, PriceNtd = 480, EffectiveFrom = opening },
            new CylinderPrice { Id = 3, SizeKg = 16, PriceNtd = 720, EffectiveFrom = opening },
            new CylinderPrice { Id = 4, SizeKg = 20, PriceNtd = 880, EffectiveFrom = opening },
            new CylinderPrice { Id = 5, SizeKg = 50, PriceNtd = 2150, EffectiveFrom = opening });
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.OwnsMany(order => order.Lines, lines => lines.ToJson());
        builder.Property(order => order.CreatedBy).HasMaxLength(100);
        builder.HasIndex(order => new { order.Status, order.CreatedAt });
        builder.HasIndex(order => new { order.CustomerId, order.CreatedAt });
        builder.HasOne(order => order.Delivery).WithOne(delivery => delivery.Order)
            .HasForeignKey<Delivery>(delivery => delivery.OrderId);
        builder.ToTable(table => table.HasCheckConstraint("ck_orders_window", "window_end > window_start"));
    }
}

internal sealed class DriverConfiguration : IEntityTypeConfiguration<Driver>
{
    public void Configure(EntityTypeBuilder<Driver> builder)
    {
        builder.Property(driver => driver.Name).HasMaxLength(100);
        builder.Property(driver => driver.Phone).HasMaxLength(20);
        builder.Property(driver => driver.UserName).HasMaxLength(64);
        builder.HasIndex(driver => driver.UserName).IsUnique();
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.HasIndex(delivery => delivery.OrderId).IsUnique();
        builder.HasIndex(delivery => new { delivery.DriverId, delivery.DeliveredAt });
        builder.Property(delivery => delivery.RatingComment).HasMaxLength(500);
        builder.ToTable(table => table.HasCheckConstraint("ck_deliveries_rating", "rating BETWEEN 1 AND 5"));
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> builder)
    {
        builder.Property(user => user.UserName).HasMaxLength(64);
        builder.Property(user => user.DisplayName).HasMaxLength(100);
        builder.HasIndex(user => user.UserName).IsUnique();
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(record => new { record.Scope, record.Key });
        builder.Property(record => record.Scope).HasMaxLength(100);
        builder.Property(record => record.Key).HasMaxLength(100);
        builder.Property(record => record.RequestHash).HasMaxLength(64);
        builder.HasIndex(record => record.ExpiresAt);
    }
}

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> builder)
    {
        // A schema of its own, so that after the migration the application role is neither the
        // owner of the table nor of its schema (a schema owner may drop any table in it).
        builder.ToTable("audit_log", "audit");
        builder.Property(entry => entry.Id).ValueGeneratedNever();
        builder.Property(entry => entry.Kind).HasMaxLength(64);
        builder.Property(entry => entry.Actor).HasMaxLength(128);
        builder.Property(entry => entry.ClientIp).HasMaxLength(64);
        builder.Property(entry => entry.Subject).HasMaxLength(200);
        builder.Property(entry => entry.PreviousHash).HasMaxLength(64).IsFixedLength();
        builder.Property(entry => entry.Hash).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(entry => entry.OccurredAt);
        builder.HasIndex(entry => entry.Kind);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(key => key.KeyHash).HasMaxLength(64);
        builder.HasIndex(key => key.KeyHash).IsUnique();
        builder.Property(key => key.DisplayPrefix).HasMaxLength(16);
        builder.Property(key => key.Name).HasMaxLength(100);

        // Scopes are stored as their flag bits, which are fixed by ApiKeyScopes' explicit values.
        builder.Property(key => key.Scopes).HasConversion<int>();
        builder.HasOne(key => key.Owner).WithMany().HasForeignKey(key => key.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(key => key.OwnerId);
    }
}

internal sealed class ApiKeyUsageConfiguration : IEntityTypeConfiguration<ApiKeyUsage>
{
    public void Configure(EntityTypeBuilder<ApiKeyUsage> builder)
    {
        builder.ToTable("api_key_usage");
        builder.HasKey(usage => new { usage.ApiKeyId, usage.Day });
        builder.HasOne<ApiKey>().WithMany().HasForeignKey(usage => usage.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
    }
}
