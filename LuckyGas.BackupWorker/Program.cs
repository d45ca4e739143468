var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.UseInstanceHeader();

app.MapDefaultEndpoints();

app.Run();
