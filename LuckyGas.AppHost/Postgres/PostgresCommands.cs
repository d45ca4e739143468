using LuckyGas.AppHost.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Postgres;

/// <summary>
/// The operator's dashboard commands for the PostgreSQL cluster: show the repmgr cluster, switch
/// the primary over to a chosen standby, and rejoin a former primary.
/// </summary>
public static partial class PostgresCommands
{
    /// <summary>The name of the command on the <c>postgres</c> group that shows <c>repmgr cluster show</c>.</summary>
    public const string ClusterShowName = "repmgr-cluster-show";

    /// <summary>The name of the command on a standby that makes it the primary.</summary>
    public const string SwitchoverName = "switch-over";

    /// <summary>The name of the command on a stopped or fenced node that rejoins it as a standby.</summary>
    public const string RejoinName = "rejoin-old-primary";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Adds the "Show repmgr cluster" command to the cluster's group resource.</summary>
    public static IResourceBuilder<ResourceGroup> WithClusterCommands(
        this IResourceBuilder<ResourceGroup> group, PostgresCluster cluster, ServerAccount account, PgBouncerTarget pgBouncer)
    {
        return group.WithCommand(ClusterShowName, "Show repmgr cluster",
            context => ShowClusterAsync(cluster, account, context.CancellationToken),
            new CommandOptions
            {
                Description = "Runs repmgr cluster show: every node's role, status, upstream node and timeline.",
                IconName = "DatabaseSearch",
            });
    }

    /// <summary>Adds the "Switch over" and "Rejoin old primary" commands to one node.</summary>
    public static IResourceBuilder<ExecutableResource> WithNodeCommands(
        this IResourceBuilder<ExecutableResource> server, PostgresNode node, PostgresCluster cluster,
        ServerAccount account, PgBouncerTarget pgBouncer)
    {
        server.WithCommand(SwitchoverName, "Switch over",
            context => new PostgresSwitchover(cluster, account, pgBouncer, context).RunAsync(node),
            new CommandOptions
            {
                Description = "Makes this standby the primary: stops the primary through its resource, promotes this node, "
                    + "repoints pgBouncer and rejoins the old primary as a standby.",
                ConfirmationMessage = $"Make {node.Name} the primary? Writes wait for a few seconds while the primary changes.",
                IconName = "ArrowSwap",
                UpdateState = context => IsRunning(context.ResourceSnapshot) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
            });

        return server.WithCommand(RejoinName, "Rejoin old primary",
            context => RejoinAsync(node, cluster, context),
            new CommandOptions
            {
                Description = "Starts this stopped or fenced node, which rejoins the current primary as a standby with "
                    + "pg_rewind, and waits until it streams.",
                IconName = "ArrowSync",
                UpdateState = context => IsRunning(context.ResourceSnapshot) ? ResourceCommandState.Disabled : ResourceCommandState.Enabled,
            });
    }

    /// <summary>
    /// Runs <c>repmgr cluster show</c> with the configuration of the first node that accepts connections.
    /// </summary>
    public static async Task<ExecuteCommandResult> ShowClusterAsync(
        PostgresCluster cluster, ServerAccount account, CancellationToken cancellationToken)
    {
        var output = "";
        foreach (var node in cluster.Nodes)
        {
            var result = await RunRepmgrAsync(account, node, ["cluster", "show"], cancellationToken);
            output = result.Output;
            // repmgr cluster show exits with 25 (ERR_NODE_STATUS) when a node is down, and still prints the table.
            if (result.ExitCode is 0 or 25)
            {
                return CommandResults.Success("repmgr cluster show", result.Output, CommandResultFormat.Text);
            }
        }

        return CommandResults.Failure($"repmgr cluster show failed on every node: {output}");
    }

    /// <summary>Starts a node that is stopped or fenced and waits until it is a streaming standby.</summary>
    private static async Task<ExecuteCommandResult> RejoinAsync(PostgresNode node, PostgresCluster cluster, ExecuteCommandContext context)
    {
        var commands = context.Services.GetRequiredService<ResourceCommandService>();
        var start = await commands.ExecuteCommandAsync(node.Server.Resource, KnownResourceCommands.StartCommand, context.CancellationToken);
        if (!start.Success)
        {
            return CommandResults.Failure($"Starting {node.Name} failed: {start.Message}");
        }

        var password = await cluster.PostgresPassword.Resource.GetValueAsync(context.CancellationToken);
        if (!await PostgresRoles.WaitForStandbyAsync(node, password, CommandTimeout, context.CancellationToken))
        {
            return CommandResults.Failure(
                $"{node.Name} did not stream as a standby within {CommandTimeout.TotalSeconds:F0} s; see its console log for FENCED lines.");
        }

        LogRejoined(context.Logger, node.Name);
        return CommandResults.Success($"{node.Name} streams from the primary as a standby.");
    }

    internal static Task<ProcessResult> RunRepmgrAsync(
        ServerAccount account, PostgresNode node, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        string[] all = ["-f", node.RepmgrConfig, .. arguments];
        return ServerProcess.RunAsync(account, "/usr/lib/postgresql/15/bin/repmgr", all, node.RepmgrEnvironment,
            CommandTimeout, cancellationToken);
    }

    private static bool IsRunning(CustomResourceSnapshot snapshot) => snapshot.State?.Text == KnownResourceStates.Running;

    [LoggerMessage(EventId = 1200, EventName = "NodeRejoined", Level = LogLevel.Information,
        Message = "{ResourceName} rejoined the cluster as a standby")]
    private static partial void LogRejoined(ILogger logger, string resourceName);
}
