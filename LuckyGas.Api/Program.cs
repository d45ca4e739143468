using LuckyGas.Api.Data;
using LuckyGas.Api.Infrastructure;

if (DatabaseMigrator.IsRequested(args))
{
    await MigrationHost.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.AddDataAccess();

var app = builder.Build();

app.UseInstanceHeader();

app.MapDefaultEndpoints();

app.Run();
