using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// Measures every node of the read connection string once per
/// <see cref="ReadRoutingOptions.ProbeInterval"/>, judges the lag with <see cref="StandbyLagRule"/>
/// and publishes the result to <see cref="StandbyLagMonitor"/>. Npgsql's multi-host support
/// distinguishes primaries from standbys but does not measure replay lag, so the API does it here.
/// </summary>
public sealed partial class StandbyLagProbe : BackgroundService
{
    /// <summary>The <c>application_name</c> of the probe's connections, as <c>pg_stat_activity</c> shows it.</summary>
    public const string ApplicationName = "luckygas-lag-probe";

    // pg_current_wal_lsn() fails during recovery, so each position function runs only on the role
    // it is valid for.
    private const string ProbeSql = """
        SELECT pg_is_in_recovery(),
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
               pg_last_wal_receive_lsn(),
               pg_last_xact_replay_timestamp()
        """;

    private readonly ReadConnectionSettings _connection;
    private readonly StandbyLagMonitor _monitor;
    private readonly ReadRoutingOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<StandbyLagProbe> _logger;
    private readonly StandbyLagRule _rule;
    private readonly Dictionary<string, NpgsqlDataSource> _nodes;

    /// <summary>Creates the probe with one small connection pool per node.</summary>
    public StandbyLagProbe(
        ReadConnectionSettings connection, StandbyLagMonitor monitor, IOptions<ReadRoutingOptions> options,
        TimeProvider clock, ILogger<StandbyLagProbe> logger)
    {
        _connection = connection;
        _monitor = monitor;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _rule = new StandbyLagRule(_options);
        _nodes = connection.Endpoints.ToDictionary(
            endpoint => endpoint, endpoint => CreateNodeDataSource(endpoint), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Runs the first round before the application starts serving requests, so that the first
    /// reads are already routed by measured lag, then starts the periodic rounds.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RunRoundAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Disposes the node connection pools.</summary>
    public override void Dispose()
    {
        base.Dispose();
        foreach (var dataSource in _nodes.Values)
        {
            dataSource.Dispose();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval, _clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunRoundAsync(stoppingToken);
        }
    }

    private async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            var results = await Task.WhenAll(_connection.Endpoints.Select(endpoint => MeasureAsync(endpoint, cancellationToken)));
            var previous = _monitor.Snapshot;
            var snapshot = _rule.Evaluate([.. results.Select(result => result.Measurement)], previous, _clock.GetUtcNow());
            _monitor.Publish(snapshot);
            LogChanges(previous, snapshot, results);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A failed round keeps the last snapshot, so reads keep their routing until a round succeeds.
            LogRoundFailed(_logger, exception);
        }
    }

    private async Task<ProbeResult> MeasureAsync(string endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        try
        {
            await using var command = _nodes[endpoint].CreateCommand(ProbeSql);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            if (!await reader.ReadAsync(timeout.Token))
            {
                return new ProbeResult(ReadNodeMeasurement.Failed(endpoint, "The probe query returned no row."), null);
            }

            var measurement = new ReadNodeMeasurement(
                endpoint,
                reader.GetBoolean(0),
                await reader.IsDBNullAsync(1, timeout.Token) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1),
                await reader.IsDBNullAsync(2, timeout.Token) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(2),
                await reader.IsDBNullAsync(3, timeout.Token) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                null);
            return new ProbeResult(measurement, null);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            var message = string.Create(CultureInfo.InvariantCulture,
                $"The probe timed out after {_options.ProbeTimeout.TotalSeconds:0.###} s.");
            return new ProbeResult(ReadNodeMeasurement.Failed(endpoint, message), exception);
        }
        catch (NpgsqlException exception) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(ReadNodeMeasurement.Failed(endpoint, exception.Message), exception);
        }
    }

    private NpgsqlDataSource CreateNodeDataSource(string endpoint)
    {
        var settings = _connection.CreateSettings([endpoint]);
        settings.ApplicationName = ApplicationName;
        // Rounds run one after another, so a node needs one connection. The second covers one that
        // is still closing after a timeout.
        settings.MaxPoolSize = 2;
        // Npgsql's timeouts are whole seconds, so the cancellation token enforces ProbeTimeout exactly.
        var seconds = (int)Math.Ceiling(_options.ProbeTimeout.TotalSeconds);
        settings.Timeout = seconds;
        settings.CommandTimeout = seconds;
        // A timed-out probe breaks its connection at once instead of waiting up to Npgsql's default
        // 2 s for the server to confirm the cancellation, so a hung node delays a round by little
        // more than ProbeTimeout.
        settings.CancellationTimeout = -1;
        return NpgsqlDataSource.Create(settings);
    }

    // Logs what changed since the previous round, so a node that stays down or lagging is logged
    // once, not every round.
    private void LogChanges(StandbyLagSnapshot previous, StandbyLagSnapshot current, IReadOnlyList<ProbeResult> results)
    {
        foreach (var (node, result) in current.Nodes.Zip(results))
        {
            var before = previous.Find(node.Endpoint);
            if (node.Role == ReadNodeRole.Unknown)
            {
                if (before is null || before.Role != ReadNodeRole.Unknown)
                {
                    LogNodeUnreachable(_logger, node.Endpoint, node.Error, result.Exception);
                }

                continue;
            }

            if (before is { Role: ReadNodeRole.Unknown })
            {
                LogNodeAnswering(_logger, node.Endpoint, node.Role);
            }
            else if (before is not null && before.Role != node.Role)
            {
                LogRoleChanged(_logger, node.Endpoint, before.Role, node.Role);
            }

            if (node.Role != ReadNodeRole.Standby)
            {
                continue;
            }

            if (!node.IsEligible && before?.IsEligible != false)
            {
                LogStandbyExcluded(_logger, node.Endpoint, node.ReplayLagBytes, node.ReplayLagSeconds,
                    _options.MaxLagBytes, _options.MaxLagSeconds);
            }
            else if (node.IsEligible && before is { IsEligible: false })
            {
                LogStandbyIncluded(_logger, node.Endpoint, node.ReplayLagBytes, node.ReplayLagSeconds);
            }
        }

        bool? hadEligible = previous.IsMeasured ? previous.EligibleStandbys.Any() : null;
        var eligible = current.EligibleStandbys.Select(node => node.Endpoint).ToList();
        if (eligible.Count == 0 && hadEligible != false)
        {
            if (current.PrimaryEndpoint is { } primary)
            {
                LogReadsOnPrimary(_logger, primary);
            }
            else
            {
                LogReadsOnAnyNode(_logger);
            }
        }
        else if (eligible.Count > 0 && hadEligible != true)
        {
            LogReadsOnStandbys(_logger, eligible);
        }
    }

    [LoggerMessage(EventId = 4300, EventName = "StandbyExcludedFromReads", Level = LogLevel.Warning,
        Message = "Standby {Endpoint} no longer serves reads because its replay lag of {LagBytes} bytes and {LagSeconds} s " +
            "exceeds the limit of {MaxLagBytes} bytes or {MaxLagSeconds} s")]
    private static partial void LogStandbyExcluded(
        ILogger logger, string endpoint, long? lagBytes, double? lagSeconds, long maxLagBytes, double maxLagSeconds);

    [LoggerMessage(EventId = 4301, EventName = "StandbyServesReadsAgain", Level = LogLevel.Information,
        Message = "Standby {Endpoint} serves reads again, with a replay lag of {LagBytes} bytes and {LagSeconds} s")]
    private static partial void LogStandbyIncluded(ILogger logger, string endpoint, long? lagBytes, double? lagSeconds);

    [LoggerMessage(EventId = 4302, EventName = "ReadsOnPrimary", Level = LogLevel.Warning,
        Message = "No standby is reachable within the replay lag limits, so reads go to the primary {Primary}")]
    private static partial void LogReadsOnPrimary(ILogger logger, string primary);

    [LoggerMessage(EventId = 4303, EventName = "ReadsOnAnyNode", Level = LogLevel.Warning,
        Message = "No standby is reachable within the replay lag limits and no primary responded, " +
            "so reads go to any node that accepts connections")]
    private static partial void LogReadsOnAnyNode(ILogger logger);

    [LoggerMessage(EventId = 4304, EventName = "ReadsOnStandbys", Level = LogLevel.Information,
        Message = "Reads go to the standbys {Standbys}")]
    private static partial void LogReadsOnStandbys(ILogger logger, IReadOnlyList<string> standbys);

    [LoggerMessage(EventId = 4305, EventName = "LagProbeFailed", Level = LogLevel.Warning,
        Message = "The lag probe of {Endpoint} failed with '{Error}', so reads avoid the node until it responds")]
    private static partial void LogNodeUnreachable(ILogger logger, string endpoint, string? error, Exception? exception);

    [LoggerMessage(EventId = 4306, EventName = "LagProbeRecovered", Level = LogLevel.Information,
        Message = "{Endpoint} responds to the lag probe again, as {Role}")]
    private static partial void LogNodeAnswering(ILogger logger, string endpoint, ReadNodeRole role);

    [LoggerMessage(EventId = 4307, EventName = "NodeRoleChanged", Level = LogLevel.Information,
        Message = "{Endpoint} changed from {PreviousRole} to {Role}")]
    private static partial void LogRoleChanged(ILogger logger, string endpoint, ReadNodeRole previousRole, ReadNodeRole role);

    [LoggerMessage(EventId = 4308, EventName = "LagProbeRoundFailed", Level = LogLevel.Error,
        Message = "A standby lag probe round failed, so reads keep the routing of the last successful round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    private sealed record ProbeResult(ReadNodeMeasurement Measurement, Exception? Exception);
}
