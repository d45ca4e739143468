using NpgsqlTypes;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>The role of a node as the last probe round found it.</summary>
public enum ReadNodeRole
{
    /// <summary>The node did not respond to the probe.</summary>
    Unknown,

    /// <summary>The node is not in recovery and accepts writes.</summary>
    Primary,

    /// <summary>The node is in recovery, replaying WAL from the primary.</summary>
    Standby,
}

/// <summary>What one probe measured on one node, before the lag rule judges it.</summary>
/// <param name="Endpoint">The node as <c>host:port</c>.</param>
/// <param name="IsInRecovery">The result of <c>pg_is_in_recovery()</c>.</param>
/// <param name="Position">
/// On a standby <c>pg_last_wal_replay_lsn()</c>, on the primary <c>pg_current_wal_lsn()</c>.
/// </param>
/// <param name="ReceivedPosition">On a standby <c>pg_last_wal_receive_lsn()</c>, null on the primary.</param>
/// <param name="LastReplayedCommitAt">On a standby <c>pg_last_xact_replay_timestamp()</c>, null on the primary.</param>
/// <param name="Error">Why the probe failed, or null when the node responded.</param>
public sealed record ReadNodeMeasurement(
    string Endpoint,
    bool IsInRecovery,
    NpgsqlLogSequenceNumber? Position,
    NpgsqlLogSequenceNumber? ReceivedPosition,
    DateTimeOffset? LastReplayedCommitAt,
    string? Error)
{
    /// <summary>Returns the measurement of a node whose probe failed.</summary>
    public static ReadNodeMeasurement Failed(string endpoint, string error) => new(endpoint, false, null, null, null, error);
}

/// <summary>One node of the read connection string as the last probe round judged it.</summary>
/// <param name="Endpoint">The node as <c>host:port</c>, as the read connection string lists it.</param>
/// <param name="Role">The node's role, or <see cref="ReadNodeRole.Unknown"/> when it did not respond.</param>
/// <param name="Position">
/// The standby's last replayed WAL position or the primary's current WAL position, or null when
/// the node did not respond.
/// </param>
/// <param name="ReplayLagBytes">
/// The bytes of WAL that the standby has not replayed yet, measured against the primary's position
/// in the same round. It is 0 on the primary, and null when the standby's lag cannot be measured.
/// </param>
/// <param name="ReplayLagSeconds">
/// How long the standby has been missing WAL that the primary already had, with a resolution of
/// one probe interval. It is 0 on the primary and on a standby that has caught up, and null when
/// unknown.
/// </param>
/// <param name="LastReplayedCommitAt">
/// On a standby, the commit time on the primary of the last transaction it replayed. Shown for
/// diagnosis only: it also ages while the primary is idle, so the lag rule does not use it.
/// </param>
/// <param name="IsEligible">
/// Whether reads without a consistency token go to this node. Only standbys within the lag limits
/// are eligible. The primary is not, because it serves reads only when no standby is eligible.
/// </param>
/// <param name="CheckedAt">When the probe round that measured the node finished.</param>
/// <param name="Error">Why the node could not be measured, or null.</param>
public sealed record ReadNodeStatus(
    string Endpoint,
    ReadNodeRole Role,
    NpgsqlLogSequenceNumber? Position,
    long? ReplayLagBytes,
    double? ReplayLagSeconds,
    DateTimeOffset? LastReplayedCommitAt,
    bool IsEligible,
    DateTimeOffset CheckedAt,
    string? Error);

/// <summary>The replay lag of every node of the read connection string after one probe round.</summary>
/// <param name="Nodes">Every node, in the order the read connection string lists them.</param>
/// <param name="PrimaryEndpoint">
/// The primary whose WAL position this round measured lag against, or null when no primary responded.
/// </param>
/// <param name="CompletedAt">When the round finished, or null before the first round.</param>
public sealed record StandbyLagSnapshot(IReadOnlyList<ReadNodeStatus> Nodes, string? PrimaryEndpoint, DateTimeOffset? CompletedAt)
{
    /// <summary>The snapshot before the first probe round: no node is measured.</summary>
    public static StandbyLagSnapshot NotMeasured { get; } = new([], null, null);

    /// <summary>Whether a probe round has finished.</summary>
    public bool IsMeasured => CompletedAt is not null;

    /// <summary>The standbys that serve reads, in connection string order.</summary>
    public IEnumerable<ReadNodeStatus> EligibleStandbys => Nodes.Where(node => node.IsEligible);

    /// <summary>Returns the status of <paramref name="endpoint"/>, or null when the snapshot has none.</summary>
    public ReadNodeStatus? Find(string endpoint) =>
        Nodes.FirstOrDefault(node => string.Equals(node.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase));
}
