namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// The container form of a component for publish mode: an image built from the Dockerfile in the
/// component's folder, which copies the same configuration templates that run mode renders.
/// </summary>
/// <remarks>
/// The build context is the AppHost folder, so a Dockerfile can copy its own component's
/// templates and the shared <c>Hosting/render-template.sh</c>, which renders them when the
/// container starts. <c>LuckyGas.AppHost/.dockerignore</c> keeps the build output out of the
/// context. Adding a component's container form takes a <c>Dockerfile</c> in its folder and one
/// call to <see cref="AddComponentContainer"/> or <see cref="WithComponentDockerfile"/>.
/// NOTE: the Dockerfiles and their start scripts have never been built or run here, because the
/// machines this project is tested on have no container engine. The tests check the manifest,
/// and the base image tags are pinned from the registries' naming, not checked against them.
/// </remarks>
public static class ComponentContainers
{
    /// <summary>
    /// Adds a container built from <c>LuckyGas.AppHost/{component}/Dockerfile</c>.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddComponentContainer(
        this IDistributedApplicationBuilder builder, string name, string component)
    {
        return builder.AddDockerfile(name, builder.AppHostDirectory, DockerfilePath(builder, component));
    }

    /// <summary>
    /// Replaces the image of a hosting integration's container, such as <c>AddPostgres</c> or
    /// <c>AddRedis</c>, with one built from <c>LuckyGas.AppHost/{component}/Dockerfile</c>,
    /// keeping the integration's connection string, endpoints and parameters.
    /// </summary>
    public static IResourceBuilder<T> WithComponentDockerfile<T>(this IResourceBuilder<T> builder, string component)
        where T : ContainerResource
    {
        var appHost = builder.ApplicationBuilder;
        return builder.WithDockerfile(appHost.AppHostDirectory, DockerfilePath(appHost, component));
    }

    /// <summary>
    /// Replaces the container's entry point and removes the arguments an integration added, so the
    /// component's own start script decides how the server starts.
    /// </summary>
    public static IResourceBuilder<T> WithStartScript<T>(this IResourceBuilder<T> builder, string entrypoint, params string[] arguments)
        where T : ContainerResource
    {
        foreach (var annotation in builder.Resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>().ToList())
        {
            builder.Resource.Annotations.Remove(annotation);
        }

        return builder.WithEntrypoint(entrypoint).WithArgs(arguments);
    }

    private static string DockerfilePath(IDistributedApplicationBuilder builder, string component)
    {
        var path = Path.Combine(builder.AppHostDirectory, component, "Dockerfile");
        if (!File.Exists(path))
        {
            throw new DistributedApplicationException(
                $"The container form of '{component}' needs {path}, which was not found.");
        }

        return path;
    }
}
