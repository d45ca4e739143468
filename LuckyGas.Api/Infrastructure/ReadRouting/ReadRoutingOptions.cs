namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>Settings of the standby lag probe and of read routing, bound from <c>ReadRouting</c>.</summary>
public sealed class ReadRoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ReadRouting";

    /// <summary>The time between the starts of two probe rounds. Default 1 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The maximum time that the probe of one node may take, connecting included, before the node
    /// counts as unreachable for that round. Default 2 s.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The maximum amount of WAL, in bytes, that a standby may have left to replay and still serve
    /// reads. Default 16 MiB.
    /// </summary>
    public long MaxLagBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The maximum time, in seconds, that a standby may stay behind the primary and still serve
    /// reads. Default 5 s.
    /// </summary>
    public double MaxLagSeconds { get; set; } = 5;

    /// <summary><see cref="MaxLagSeconds"/> as a time span.</summary>
    public TimeSpan MaxLag => TimeSpan.FromSeconds(MaxLagSeconds);
}
