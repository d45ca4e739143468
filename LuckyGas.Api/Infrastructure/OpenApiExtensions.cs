using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace LuckyGas.Api.Infrastructure;

/// <summary>Serves the OpenAPI document and, in Development, a browsable reference of it.</summary>
public static class OpenApiExtensions
{
    /// <summary>Adds the OpenAPI document <c>v1</c>, with the staff bearer token as its security scheme.</summary>
    public static WebApplicationBuilder AddApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Lucky Gas API";
            document.Info.Description =
                "Customers, orders, drivers, deliveries and refill predictions of Lucky Gas. " +
                "Sign in with POST /api/v1/auth/token and send the token as a bearer token.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[JwtBearerDefaults.AuthenticationScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
            };
            return Task.CompletedTask;
        }));

        return builder;
    }

    /// <summary>
    /// Maps <c>/openapi/v1.json</c> in every environment, and the API reference at <c>/scalar</c>
    /// in Development, which is what the AppHost runs locally.
    /// </summary>
    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi();

        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
