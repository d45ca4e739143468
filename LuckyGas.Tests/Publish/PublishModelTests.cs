using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// The AppHost's model in publish mode: every server is a container, because azd rejects
/// <c>executable.v0</c>. No container engine is needed, since nothing starts.
/// </summary>
public sealed class PublishModelTests
{
    [Fact]
    public async Task PublishMode_HasNoExecutables()
    {
        var resources = await PublishModeResourcesAsync();

        var executables = resources.OfType<ExecutableResource>().Select(resource => resource.Name).ToList();
        Assert.True(executables.Count == 0, $"Executables in publish mode: {string.Join(", ", executables)}");
    }

    [Fact]
    public async Task PublishMode_ModelsServersWithIntegrations()
    {
        var resources = (await PublishModeResourcesAsync()).ToDictionary(resource => resource.Name);

        foreach (var name in new[] { "postgres-1", "postgres-2", "postgres-3" })
        {
            Assert.IsType<PostgresServerResource>(resources[name]);
        }

        foreach (var name in new[] { "redis-1", "redis-2" })
        {
            Assert.IsType<RedisResource>(resources[name]);
        }

        foreach (var name in new[] { "pgbouncer", "sentinel-1", "sentinel-2", "sentinel-3" })
        {
            Assert.IsAssignableFrom<ContainerResource>(resources[name]);
        }
    }

    [Fact]
    public async Task PublishMode_BuildsEveryServerFromDockerfile()
    {
        var containers = (await PublishModeResourcesAsync()).OfType<ContainerResource>().ToList();

        Assert.NotEmpty(containers);
        foreach (var container in containers)
        {
            var build = container.Annotations.OfType<DockerfileBuildAnnotation>().SingleOrDefault();
            Assert.True(build is not null, $"{container.Name} has no Dockerfile build.");
            Assert.True(File.Exists(build.DockerfilePath), $"{container.Name}: {build.DockerfilePath} does not exist.");
        }
    }

    [Fact]
    public async Task PublishMode_ProjectsAreSingleResources()
    {
        var projects = (await PublishModeResourcesAsync()).OfType<ProjectResource>()
            .Select(project => project.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["api", "backup-worker", "db-migrations", "web"], projects);
    }

    private static async Task<IReadOnlyList<IResource>> PublishModeResourcesAsync()
    {
        var cancellationToken = TestContext.Token(AppHostPublisher.Timeout);
        var state = Directory.CreateTempSubdirectory("luckygas-publish-");
        try
        {
            var outputPath = Path.Combine(state.FullName, "aspire-manifest.json");
            using var builder = await AppHostPublisher.CreateBuilderAsync(outputPath, state.FullName, [], cancellationToken);
            Assert.True(builder.ExecutionContext.IsPublishMode);
            return builder.Resources.ToList();
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
