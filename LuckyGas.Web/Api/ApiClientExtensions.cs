namespace LuckyGas.Web.Api;

/// <summary>Registers the API client.</summary>
public static class ApiClientExtensions
{
    /// <summary>
    /// Adds <see cref="StaffApiClient"/>. Its HTTP client gets service discovery and the standard
    /// resilience pipeline from the service defaults.
    /// </summary>
    public static WebApplicationBuilder AddStaffApiClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<DashboardLoader>();
        builder.Services.AddHttpClient<StaffApiClient>(client => client.BaseAddress = new Uri(StaffApiClient.BaseAddress));
        return builder;
    }
}
