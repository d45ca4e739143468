using LuckyGas.Api.Features.Customers;
using LuckyGas.Api.Features.Deliveries;
using LuckyGas.Api.Features.Drivers;
using LuckyGas.Api.Features.Orders;
using LuckyGas.Api.Features.Predictions;
using LuckyGas.Api.Infrastructure.Caching;

namespace LuckyGas.Api.Features;

/// <summary>Registers and maps the business features: customers, orders, drivers, deliveries and refill predictions.</summary>
public static class BusinessFeatures
{
    /// <summary>Adds the services the business endpoints use.</summary>
    public static WebApplicationBuilder AddBusinessFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddScoped<DeliveryService>();
        builder.AddReadCache();
        return builder;
    }

    /// <summary>Maps the business endpoints; each one states the staff roles that may call it.</summary>
    public static WebApplication MapBusinessEndpoints(this WebApplication app)
    {
        app.MapCustomerEndpoints();
        app.MapOrderEndpoints();
        app.MapDriverEndpoints();
        app.MapDeliveryEndpoints();
        app.MapPredictionEndpoints();
        return app;
    }
}
