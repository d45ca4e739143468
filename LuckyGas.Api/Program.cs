using LuckyGas.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.AddDataAccess();

var app = builder.Build();

app.UseInstanceHeader();

app.MapDefaultEndpoints();

app.Run();
