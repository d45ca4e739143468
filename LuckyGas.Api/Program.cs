using LuckyGas.Api.Data;
using LuckyGas.Api.Data.DemoData;
using LuckyGas.Api.Features;
using LuckyGas.Api.Features.ApiKeys;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Monitoring;
using LuckyGas.Api.Features.Security;
using LuckyGas.Api.Features.Backups;
using LuckyGas.Api.Infrastructure;
using LuckyGas.Api.Infrastructure.RateLimiting;

if (DatabaseMigrator.IsRequested(args))
{
    await MigrationHost.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddRuntimeSettings();

builder.AddServiceDefaults();

builder.AddApiProblemDetails();

builder.AddDataAccess();

builder.AddStaffAuthentication();

builder.AddApiKeys();

builder.AddApiRateLimiting();

builder.AddBusinessFeatures();

builder.AddMonitoring();

builder.AddApiDocument();

builder.AddRequestSecurity();
builder.AddBackupForwarding();

var app = builder.Build();

app.UseInstanceHeader();

app.UseSecurityHeaders(headers => headers.PathPolicies["/scalar"] = ContentSecurityPolicies.ApiReference);

app.UseApiProblemDetails();

app.UseRequestSecurity();

app.UseAuthentication();

app.UseApiKeys();

app.UseApiRateLimiting();

app.UseAuthorization();

app.MapDefaultEndpoints();

app.MapApiDocument();

app.MapAuthEndpoints();

app.MapBusinessEndpoints();

app.MapMonitoringEndpoints();

app.MapApiKeyEndpoints();

app.MapDemoDataEndpoints();

app.MapSecurityEndpoints();

app.MapFaultEndpoint(app.Environment);
app.MapBackupEndpoints();

app.Run();
