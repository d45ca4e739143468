using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Applications;

/// <summary>Adds the platform's own .NET projects.</summary>
public static class ApplicationExtensions
{
    /// <summary>
    /// Adds a project as <paramref name="instances"/> separately addressable resources named
    /// <c>{name}-1</c>, <c>{name}-2</c> and so on in run mode, or as one resource named
    /// <paramref name="name"/> in publish mode, where the instance count is set at deployment.
    /// </summary>
    /// <remarks>
    /// Separate resources, rather than replicas of one, let the edge address each instance for
    /// sticky sessions and per-instance retries; Aspire balances replicas per TCP connection.
    /// </remarks>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddInstances<TProject>(
        this IDistributedApplicationBuilder builder, string name, int instances, PortRegistry ports)
        where TProject : IProjectMetadata, new()
    {
        var names = builder.ExecutionContext.IsPublishMode
            ? [name]
            : Enumerable.Range(1, instances).Select(index => $"{name}-{index}").ToArray();

        return names.Select(instanceName => builder.AddInstance<TProject>(instanceName, ports)).ToList();
    }

    /// <summary>Adds one project resource that names itself on every response.</summary>
    /// <remarks>
    /// In run mode Kestrel listens on a port kept in <paramref name="ports"/>, with no Aspire
    /// proxy in front: the edge and Prometheus configuration files name each instance's port,
    /// and the application must see the edge's own source address to trust its forwarded
    /// headers, which a proxy in between would hide.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddInstance<TProject>(
        this IDistributedApplicationBuilder builder, string name, PortRegistry ports)
        where TProject : IProjectMetadata, new()
    {
        var port = builder.ExecutionContext.IsPublishMode ? (int?)null : ports.GetPort(name);

        return builder.AddProject<TProject>(name, options => options.ExcludeLaunchProfile = true)
            .WithHttpEndpoint(name: "http", port: port, isProxied: port is null)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", EnvironmentName(builder))
            // ServiceDefaults reads LuckyGas:InstanceName and sends it in the X-Served-By header.
            .WithEnvironment("LuckyGas__InstanceName", name)
            // Forwarded headers are trusted only from the edge proxy's source address;
            // Aspire's default would trust them from any peer.
            .DisableForwardedHeaders()
            .WithEnvironment("LuckyGas__TrustedProxies", TrustedProxy.SourceAddress)
            .WithHttpHealthCheck("/health");
    }

    /// <summary>
    /// Adds <c>db-migrations</c>: the API in migrate-only mode, which applies pending migrations
    /// on the primary once and exits. API instances wait for its completion.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddDatabaseMigrator<TProject>(
        this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> primary)
        where TProject : IProjectMetadata, new()
    {
        return builder.AddProject<TProject>("db-migrations", options => options.ExcludeLaunchProfile = true)
            .WithArgs("--migrate")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", EnvironmentName(builder))
            .WithReference(primary);
    }

    /// <summary>Applies <paramref name="configure"/> to every instance.</summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> ForEach(
        this IReadOnlyList<IResourceBuilder<ProjectResource>> instances,
        Func<IResourceBuilder<ProjectResource>, IResourceBuilder<ProjectResource>> configure)
    {
        foreach (var instance in instances)
        {
            configure(instance);
        }

        return instances;
    }

    /// <summary>
    /// Lets the project call the API by the service name <c>api</c>, balanced over every API
    /// instance by service discovery.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiReference(
        this IResourceBuilder<ProjectResource> builder, IReadOnlyList<IResourceBuilder<ProjectResource>> api)
    {
        for (var index = 0; index < api.Count; index++)
        {
            builder.WithEnvironment($"services__api__http__{index}", api[index].GetEndpoint("http"));
        }

        return builder;
    }

    // A deployment always runs in Production, whatever environment the publishing AppHost ran
    // in, so the manifest is the same from dotnet run (Development) and from the tests.
    private static string EnvironmentName(IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode ? "Production" : builder.Environment.EnvironmentName;
}
