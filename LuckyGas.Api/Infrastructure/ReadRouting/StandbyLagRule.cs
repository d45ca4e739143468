using NpgsqlTypes;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// Judges the measurements of one probe round: which node is the primary, how far each standby
/// lags, and which standbys may serve reads. One instance judges every round of one probe, because
/// the time rule needs the positions of earlier rounds.
/// </summary>
/// <remarks>
/// <para>
/// A standby serves reads unless it lags. It lags when either
/// (1) its replay position is more than <see cref="ReadRoutingOptions.MaxLagBytes"/> behind the
/// reference position measured in the same round, or
/// (2) it has still not replayed WAL that the reference position had reached more than
/// <see cref="ReadRoutingOptions.MaxLagSeconds"/> ago.
/// The reference position is the primary's <c>pg_current_wal_lsn()</c>. When no primary responds,
/// it is the highest position that a responding standby has received or replayed.
/// </para>
/// <para>
/// Rule 2 times the lag against the reference positions of earlier rounds, on the API's clock. It
/// does not use <c>now() - pg_last_xact_replay_timestamp()</c>, because that difference grows while
/// the primary is idle: a standby that has replayed everything would count as minutes behind
/// whenever a new WAL record, such as a checkpoint, reaches it just after the primary is measured.
/// </para>
/// <para>
/// An ineligible standby serves reads again only when its lag is at most half of both limits, so a
/// standby whose lag hovers at a limit does not switch on every round.
/// </para>
/// </remarks>
public sealed class StandbyLagRule(ReadRoutingOptions options)
{
    // Reference positions of earlier rounds, oldest first. Each position is stored once, with the
    // time it was first seen, so an idle primary adds nothing.
    private readonly List<(DateTimeOffset SeenAt, NpgsqlLogSequenceNumber Position)> _history = [];
    private string? _historyPrimary;

    // Rule 2 needs positions from MaxLag ago. Keeping more keeps the reported lag of a long-stuck
    // standby exact for longer. Beyond the retention the reported lag is a lower bound.
    private static readonly TimeSpan MinimumRetention = TimeSpan.FromMinutes(10);

    private TimeSpan HistoryRetention => options.MaxLag * 2 > MinimumRetention ? options.MaxLag * 2 : MinimumRetention;

    /// <summary>
    /// Judges <paramref name="measurements"/>, taken at <paramref name="now"/>, given the snapshot of
    /// the round before.
    /// </summary>
    public StandbyLagSnapshot Evaluate(
        IReadOnlyList<ReadNodeMeasurement> measurements, StandbyLagSnapshot previous, DateTimeOffset now)
    {
        // Two nodes can both report themselves primary for a moment during a failover. The one
        // furthest ahead is the reference. Reads prefer neither while a standby is eligible.
        var primary = measurements
            .Where(measurement => measurement.Error is null && !measurement.IsInRecovery && measurement.Position is not null)
            .MaxBy(measurement => measurement.Position!.Value);
        var reference = primary?.Position ?? HighestStandbyPosition(measurements);
        Record(primary?.Endpoint, reference, now);

        var nodes = measurements.Select(measurement => Judge(measurement, reference, previous, now)).ToList();
        return new StandbyLagSnapshot(nodes, primary?.Endpoint, now);
    }

    private ReadNodeStatus Judge(
        ReadNodeMeasurement measurement, NpgsqlLogSequenceNumber? reference, StandbyLagSnapshot previous, DateTimeOffset now)
    {
        if (measurement.Error is not null)
        {
            return new ReadNodeStatus(measurement.Endpoint, ReadNodeRole.Unknown, null, null, null, null, false, now, measurement.Error);
        }

        if (!measurement.IsInRecovery)
        {
            return new ReadNodeStatus(measurement.Endpoint, ReadNodeRole.Primary, measurement.Position, 0, 0, null, false, now, null);
        }

        if (measurement.Position is not { } replayed || reference is not { } target)
        {
            return new ReadNodeStatus(
                measurement.Endpoint, ReadNodeRole.Standby, measurement.Position, null, null, measurement.LastReplayedCommitAt,
                false, now, "The standby reported no replay position.");
        }

        var lagBytes = target > replayed ? (long)(target - replayed) : 0;
        var behindSince = BehindSince(replayed);
        var lag = behindSince is { } since ? now - since : TimeSpan.Zero;

        // The first judgement of a node applies the full limits.
        var wasEligible = previous.Find(measurement.Endpoint)?.IsEligible ?? true;
        var share = wasEligible ? 1.0 : 0.5;
        var eligible = lagBytes <= options.MaxLagBytes * share && lag <= options.MaxLag * share;

        return new ReadNodeStatus(
            measurement.Endpoint, ReadNodeRole.Standby, replayed, lagBytes, Math.Round(lag.TotalSeconds, 3),
            measurement.LastReplayedCommitAt, eligible, now, null);
    }

    private void Record(string? primary, NpgsqlLogSequenceNumber? reference, DateTimeOffset now)
    {
        // A new primary starts a new record: a promoted standby may never have received the old
        // primary's last WAL, so its positions do not continue the old sequence.
        if (!string.Equals(primary, _historyPrimary, StringComparison.OrdinalIgnoreCase))
        {
            _history.Clear();
            _historyPrimary = primary;
        }

        if (reference is { } position && (_history.Count == 0 || position > _history[^1].Position))
        {
            _history.Add((now, position));
        }

        // The newest position stays even when it is old, because an idle primary is still there.
        var cutoff = now - HistoryRetention;
        while (_history.Count > 1 && _history[0].SeenAt < cutoff)
        {
            _history.RemoveAt(0);
        }
    }

    // Returns when the reference first passed the standby's replay position, or null when it has
    // not: the standby has been missing WAL since then.
    private DateTimeOffset? BehindSince(NpgsqlLogSequenceNumber replayed)
    {
        foreach (var (seenAt, position) in _history)
        {
            if (position > replayed)
            {
                return seenAt;
            }
        }

        return null;
    }

    private static NpgsqlLogSequenceNumber? HighestStandbyPosition(IReadOnlyList<ReadNodeMeasurement> measurements)
    {
        NpgsqlLogSequenceNumber? highest = null;
        foreach (var measurement in measurements.Where(measurement => measurement.Error is null && measurement.IsInRecovery))
        {
            foreach (var position in new[] { measurement.Position, measurement.ReceivedPosition })
            {
                if (position is { } value && (highest is null || value > highest.Value))
                {
                    highest = value;
                }
            }
        }

        return highest;
    }
}
