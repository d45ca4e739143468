using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Monitoring;

/// <summary>Points a project's disk space health check at the disk that contains the state folder.</summary>
public static class DiskPathExtensions
{
    /// <summary>
    /// Sets <c>Monitoring__DiskPath</c> to the state folder in run mode, where the servers' data
    /// lives. In publish mode it sets nothing, so the check reads the container's own disk and the
    /// manifest names no path of the publishing machine.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStateDiskPath(
        this IResourceBuilder<ProjectResource> builder, StateDirectory state)
    {
        return builder.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? builder
            : builder.WithEnvironment("Monitoring__DiskPath", state.Path);
    }
}
