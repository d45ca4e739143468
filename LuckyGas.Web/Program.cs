var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.UseInstanceHeader();

app.UseSecurityHeaders(headers => headers.ContentSecurityPolicy = ContentSecurityPolicies.BlazorServer);

app.MapDefaultEndpoints();

app.Run();
