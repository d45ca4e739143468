namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// The replay lag of every node of the read connection string, as the last round of
/// <see cref="StandbyLagProbe"/> measured it. Read routing and the <c>read-routing</c> health
/// check use it, and anything else that reports node lag can read it too.
/// </summary>
public sealed class StandbyLagMonitor
{
    private volatile StandbyLagSnapshot _snapshot = StandbyLagSnapshot.NotMeasured;

    /// <summary>
    /// The result of the last probe round, or <see cref="StandbyLagSnapshot.NotMeasured"/> before the
    /// first one. Each round replaces the whole snapshot, so one read is self-consistent.
    /// </summary>
    public StandbyLagSnapshot Snapshot => _snapshot;

    /// <summary>Replaces the snapshot with the result of a new probe round.</summary>
    public void Publish(StandbyLagSnapshot snapshot) => _snapshot = snapshot;
}
