using LuckyGas.Web.Account;
using LuckyGas.Web.Api;
using LuckyGas.Web.Components;
using LuckyGas.Web.DataProtection;
using LuckyGas.Web.Localization;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

builder.AddSharedDataProtection();

builder.AddStaffSignIn();

builder.AddStaffLocalization();

builder.AddStaffApiClient();

builder.AddStaffUserInterface();

var app = builder.Build();

app.UseInstanceHeader();

app.UseSecurityHeaders(headers => headers.ContentSecurityPolicy = ContentSecurityPolicies.BlazorServer);

app.UseExceptionHandler("/error", createScopeForErrors: true);

app.UseStatusCodePagesWithReExecute("/not-found");

app.UseStaffLocalization();

app.UseAuthentication();

app.UseAuthorization();

app.UseAntiforgery();

app.MapDefaultEndpoints();

app.MapStaticAssets();

app.MapCultureSelection();

app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
