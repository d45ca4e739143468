using Microsoft.Extensions.Configuration;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// The publish-mode switch that replaces the PostgreSQL and Redis containers with managed
/// services, such as Azure Database for PostgreSQL and Azure Cache for Redis, whose connection
/// strings the operator supplies as secret parameters.
/// </summary>
/// <remarks>
/// Publishing with <c>--LuckyGas:ManagedDataServices=true</c> writes <c>luckygas-write</c>,
/// <c>luckygas-read</c>, <c>luckygas-migrations</c>, <c>luckygas-admin</c> and
/// <c>luckygas-redis</c> as connection-string parameters and leaves the database and cache containers and their passwords out of the
/// manifest. Run mode ignores the switch.
/// </remarks>
public static class ManagedDataServices
{
    /// <summary>The configuration key of the switch.</summary>
    public const string ConfigurationKey = "LuckyGas:ManagedDataServices";

    /// <summary>Returns whether the manifest uses managed services for PostgreSQL and Redis.</summary>
    public static bool IsEnabled(IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode && builder.Configuration.GetValue<bool>(ConfigurationKey);

    /// <summary>
    /// Adds a connection string built from <paramref name="expression"/>, or, with managed
    /// services, a secret parameter of the same name that the operator supplies.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddDataConnectionString(
        this IDistributedApplicationBuilder builder, string name, ReferenceExpression expression)
    {
        return IsEnabled(builder)
            ? builder.AddConnectionString(name)
            : builder.AddConnectionString(name, expression);
    }

    /// <summary>Leaves a server or its password out of the manifest when a managed service replaces it.</summary>
    public static IResourceBuilder<T> ExcludeWhenManaged<T>(this IResourceBuilder<T> builder)
        where T : IResource
    {
        return IsEnabled(builder.ApplicationBuilder) ? builder.ExcludeFromManifest() : builder;
    }
}
