using LuckyGas.AppHost.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Postgres;

/// <summary>
/// A planned switchover to a chosen standby, without SSH: every server stops and starts through its
/// Aspire resource, and repmgrd is paused meanwhile so it does not fail over on its own.
/// </summary>
/// <remarks>
/// A fast shutdown of the primary sends its remaining WAL, the shutdown checkpoint included, to the
/// standbys before it exits, so the promoted standby has every committed transaction. The old
/// primary's start script then finds another primary and rejoins it as a standby.
/// </remarks>
internal sealed partial class PostgresSwitchover(
    PostgresCluster cluster, ServerAccount account, PgBouncerTarget pgBouncer, ExecuteCommandContext context)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly ResourceCommandService _commands = context.Services.GetRequiredService<ResourceCommandService>();
    private readonly ResourceNotificationService _notifications = context.Services.GetRequiredService<ResourceNotificationService>();
    private readonly ResourceSupervisor? _supervisor = context.Services.GetService<ResourceSupervisor>();
    private readonly ILogger _logger = context.Logger;
    private readonly CancellationToken _cancellationToken = context.CancellationToken;

    public async Task<ExecuteCommandResult> RunAsync(PostgresNode target)
    {
        var password = await cluster.PostgresPassword.Resource.GetValueAsync(_cancellationToken);
        var roles = await PostgresRoles.QueryAsync(cluster.Nodes, password, _cancellationToken);
        var primaries = roles.Where(pair => pair.Value is { IsStandby: false }).Select(pair => pair.Key).ToList();
        if (primaries.Count != 1)
        {
            return CommandResults.Failure($"A switchover needs exactly one primary, but {primaries.Count} nodes answer as primary.");
        }

        var primary = primaries[0];
        if (primary == target)
        {
            return CommandResults.Failure($"{target.Name} is the primary already.");
        }

        if (roles[target] is not { IsStandby: true } || !await PostgresRoles.WaitForStandbyAsync(target, password, TimeSpan.FromSeconds(2), _cancellationToken))
        {
            return CommandResults.Failure($"{target.Name} is not a streaming standby, so it cannot take over.");
        }

        LogStarting(_logger, primary.Name, target.Name);
        var pause = await PostgresCommands.RunRepmgrAsync(account, target, ["service", "pause"], _cancellationToken);
        if (!pause.Succeeded)
        {
            return CommandResults.Failure($"repmgr service pause failed, so nothing was changed: {pause.Output}");
        }

        try
        {
            return await SwitchAsync(primary, target, password);
        }
        finally
        {
            var unpause = await PostgresCommands.RunRepmgrAsync(account, target, ["service", "unpause"], CancellationToken.None);
            if (!unpause.Succeeded)
            {
                LogUnpauseFailed(_logger, unpause.Output);
            }
        }
    }

    private async Task<ExecuteCommandResult> SwitchAsync(PostgresNode primary, PostgresNode target, string? password)
    {
        _supervisor?.ExpectStop(primary.Name);
        _supervisor?.ExpectStop(primary.Repmgrd.Resource.Name);
        await _commands.ExecuteCommandAsync(primary.Repmgrd.Resource, KnownResourceCommands.StopCommand, _cancellationToken);
        var stop = await _commands.ExecuteCommandAsync(primary.Server.Resource, KnownResourceCommands.StopCommand, _cancellationToken);
        if (!stop.Success)
        {
            return CommandResults.Failure($"Stopping {primary.Name} failed: {stop.Message}");
        }

        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken))
        {
            timeout.CancelAfter(StepTimeout);
            await _notifications.WaitForResourceAsync(primary.Name,
                resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text)
                    || resourceEvent.Snapshot.State?.Text == "Terminated",
                timeout.Token);
        }

        var promote = await PostgresCommands.RunRepmgrAsync(account, target, ["standby", "promote"], _cancellationToken);
        if (!promote.Succeeded)
        {
            return CommandResults.Failure(
                $"repmgr standby promote on {target.Name} failed; start {primary.Name} again to restore the old primary: {promote.Output}");
        }

        // The promotion's event notification repoints pgBouncer already; running the script again
        // is harmless and covers a notification that failed.
        await ServerProcess.RunAsync(account, "bash", [pgBouncer.Script, pgBouncer.ConfigFile, $"{pgBouncer.Port}", pgBouncer.Nodes, $"{target.Id}", "switchover", "1"],
            target.RepmgrEnvironment, StepTimeout, _cancellationToken);

        foreach (var other in cluster.Nodes.Where(node => node != primary && node != target))
        {
            var follow = await PostgresCommands.RunRepmgrAsync(account, other,
                ["standby", "follow", $"--upstream-node-id={target.Id}"], _cancellationToken);
            if (!follow.Succeeded)
            {
                LogFollowFailed(_logger, other.Name, follow.Output);
            }
        }

        var start = await _commands.ExecuteCommandAsync(primary.Server.Resource, KnownResourceCommands.StartCommand, _cancellationToken);
        var rejoined = start.Success && await PostgresRoles.WaitForStandbyAsync(primary, password, StepTimeout, _cancellationToken);
        await _commands.ExecuteCommandAsync(primary.Repmgrd.Resource, KnownResourceCommands.StartCommand, _cancellationToken);
        if (!rejoined)
        {
            return CommandResults.Failure(
                $"{target.Name} is the primary now, but {primary.Name} did not rejoin as a standby within "
                + $"{StepTimeout.TotalSeconds:F0} s; see its console log and use Rejoin old primary.");
        }

        LogFinished(_logger, target.Name, primary.Name);
        return CommandResults.Success($"{target.Name} is the primary; {primary.Name} streams from it as a standby.");
    }

    [LoggerMessage(EventId = 1210, EventName = "SwitchoverStarting", Level = LogLevel.Information,
        Message = "Switching the primary over from {Primary} to {Target}")]
    private static partial void LogStarting(ILogger logger, string primary, string target);

    [LoggerMessage(EventId = 1211, EventName = "SwitchoverFinished", Level = LogLevel.Information,
        Message = "Switchover finished: {Target} is the primary and {OldPrimary} streams from it")]
    private static partial void LogFinished(ILogger logger, string target, string oldPrimary);

    [LoggerMessage(EventId = 1212, EventName = "SwitchoverFollowFailed", Level = LogLevel.Warning,
        Message = "repmgr standby follow on {Node} failed; repmgrd makes it follow once unpaused: {Output}")]
    private static partial void LogFollowFailed(ILogger logger, string node, string output);

    [LoggerMessage(EventId = 1213, EventName = "SwitchoverUnpauseFailed", Level = LogLevel.Error,
        Message = "repmgr service unpause failed after the switchover, so automatic failover stays paused; run it by hand: {Output}")]
    private static partial void LogUnpauseFailed(ILogger logger, string output);
}
