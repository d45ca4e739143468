namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// A dashboard entry that groups the servers of one cluster and reports the cluster's own health,
/// such as "a primary exists and a standby streams from it".
/// </summary>
/// <remarks>
/// Projects wait for the group rather than for a single node, because which node is the primary
/// changes with every failover.
/// </remarks>
/// <param name="name">The resource name.</param>
public sealed class ResourceGroup(string name) : Resource(name), IResourceWithWaitSupport;

/// <summary>Adds <see cref="ResourceGroup"/> resources.</summary>
public static class ResourceGroupExtensions
{
    /// <summary>
    /// Adds a group resource that is running for the AppHost's lifetime and healthy when the
    /// health check registered as <paramref name="healthCheckKey"/> is.
    /// </summary>
    /// <remarks>
    /// The group exists in publish mode too, so that the topology reads the same in both modes,
    /// but it is left out of the manifest and has no health check there, since publishing
    /// registers none.
    /// </remarks>
    public static IResourceBuilder<ResourceGroup> AddResourceGroup(
        this IDistributedApplicationBuilder builder, string name, string resourceType, string healthCheckKey)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddResource(new ResourceGroup(name)).ExcludeFromManifest();
        }

        return builder.AddResource(new ResourceGroup(name))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = resourceType,
                State = KnownResourceStates.NotStarted,
                Properties = [],
            })
            .OnInitializeResource(static async (group, initialize, _) =>
                await initialize.Notifications.PublishUpdateAsync(group, snapshot => snapshot with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                }))
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }
}
