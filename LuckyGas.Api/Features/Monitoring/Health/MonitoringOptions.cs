namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>Settings of the comprehensive health report, from the <c>Monitoring</c> section.</summary>
public sealed class MonitoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>
    /// The timeout of each check, including every registered health check that sets none, so one
    /// hung dependency makes the report slower by at most this long. Default 3 s.
    /// </summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A path on the file system whose disk space the report shows: the platform's state folder
    /// in run mode. Default: the application's content root.
    /// </summary>
    public string? DiskPath { get; set; }

    /// <summary>The psql program that reads pgBouncer's admin console. Default <c>psql</c> on the PATH.</summary>
    public string PsqlPath { get; set; } = "psql";
}
