using MudBlazor.Services;

namespace LuckyGas.Web.Components;

/// <summary>Registers the Blazor components and the MudBlazor services.</summary>
public static class UserInterfaceExtensions
{
    /// <summary>Adds interactive server rendering and MudBlazor.</summary>
    public static WebApplicationBuilder AddStaffUserInterface(this WebApplicationBuilder builder)
    {
        // Outside Development, an app run from its build output (as the AppHost runs it) returns
        // 500 for the framework script and MudBlazor's files, because only Development resolves
        // static web assets from the build manifest. In a published folder this is a no-op.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }
}
