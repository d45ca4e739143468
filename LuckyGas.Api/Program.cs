using LuckyGas.Api.Data;
using LuckyGas.Api.Data.DemoData;
using LuckyGas.Api.Features;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Features.Backups;
using LuckyGas.Api.Infrastructure;

if (DatabaseMigrator.IsRequested(args))
{
    await MigrationHost.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.AddApiProblemDetails();

builder.AddDataAccess();

builder.AddStaffAuthentication();

builder.AddBusinessFeatures();

builder.AddApiDocument();

builder.AddBackupForwarding();

var app = builder.Build();

app.UseInstanceHeader();

app.UseApiProblemDetails();

app.UseAuthentication();

app.UseAuthorization();

app.MapDefaultEndpoints();

app.MapApiDocument();

app.MapAuthEndpoints();

app.MapBusinessEndpoints();

app.MapDemoDataEndpoints();

app.MapBackupEndpoints();

app.Run();
