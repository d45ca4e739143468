using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Reports the host's CPU use, memory and disk space from <c>/proc</c> and the file system of
/// <see cref="MonitoringOptions.DiskPath"/>. Degraded when less than 10% of memory or disk is available.
/// </summary>
internal sealed class HostResourcesCheck(IOptions<MonitoringOptions> options, IHostEnvironment environment) : IDependencyCheck
{
    private const double LowFraction = 0.10;

    // CPU use is the busy share of the jiffies that pass between two samples of /proc/stat.
    private static readonly TimeSpan s_cpuSampleInterval = TimeSpan.FromMilliseconds(250);

    public string Name => "host";

    public string Kind => "host";

    public bool IsCritical => false;

    public async Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken)
    {
        var first = await ReadCpuTimesAsync(cancellationToken);
        await Task.Delay(s_cpuSampleInterval, cancellationToken);
        var second = await ReadCpuTimesAsync(cancellationToken);
        var total = second.Total - first.Total;
        var cpuPercent = total <= 0 ? 0 : Math.Round(100.0 * (total - (second.Idle - first.Idle)) / total, 1);

        var memory = await ReadMemInfoAsync(cancellationToken);
        var memoryTotal = memory.GetValueOrDefault("MemTotal");
        var memoryAvailable = memory.GetValueOrDefault("MemAvailable");

        var diskPath = Path.GetFullPath(options.Value.DiskPath ?? environment.ContentRootPath);
        var drive = new DriveInfo(diskPath);

        var loads = (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ');
        var data = new Dictionary<string, object?>
        {
            ["cpuPercent"] = cpuPercent,
            ["cpuCount"] = Environment.ProcessorCount,
            ["loadAverage1m"] = double.Parse(loads[0], CultureInfo.InvariantCulture),
            ["loadAverage5m"] = double.Parse(loads[1], CultureInfo.InvariantCulture),
            ["memoryTotalBytes"] = memoryTotal,
            ["memoryAvailableBytes"] = memoryAvailable,
            ["diskPath"] = diskPath,
            ["diskTotalBytes"] = drive.TotalSize,
            ["diskAvailableBytes"] = drive.AvailableFreeSpace,
        };

        var problems = new List<string>();
        if (memoryTotal > 0 && memoryAvailable < LowFraction * memoryTotal)
        {
            problems.Add("less than 10% of memory is available");
        }

        if (drive.TotalSize > 0 && drive.AvailableFreeSpace < LowFraction * drive.TotalSize)
        {
            problems.Add($"less than 10% of the disk of {diskPath} is available");
        }

        var description = string.Create(CultureInfo.InvariantCulture,
            $"CPU {cpuPercent}% busy, {memoryAvailable / 1048576} of {memoryTotal / 1048576} MiB memory and " +
            $"{drive.AvailableFreeSpace / 1073741824.0:F1} of {drive.TotalSize / 1073741824.0:F1} GiB disk available.");
        var status = HealthStatus.Healthy;
        if (problems.Count > 0)
        {
            status = HealthStatus.Degraded;
            description = $"{description} Low: {string.Join("; ", problems)}.";
        }

        return [new HealthEntry(Name, Kind, status, description, 0, data)];
    }

    private static async Task<(long Total, long Idle)> ReadCpuTimesAsync(CancellationToken cancellationToken)
    {
        // The first line sums every CPU: user nice system idle iowait irq softirq steal, in jiffies.
        using var reader = new StreamReader("/proc/stat");
        var line = await reader.ReadLineAsync(cancellationToken) ?? string.Empty;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Sum(), fields[3] + fields[4]);
    }

    /// <summary>Reads <c>/proc/meminfo</c> as bytes by field name.</summary>
    private static async Task<Dictionary<string, long>> ReadMemInfoAsync(CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync("/proc/meminfo", cancellationToken))
        {
            // Lines read "MemTotal:       16384000 kB".
            var parts = line.Split(':', 2);
            var number = parts.Length == 2 ? parts[1].Trim().Split(' ')[0] : string.Empty;
            if (long.TryParse(number, CultureInfo.InvariantCulture, out var kilobytes))
            {
                values[parts[0]] = kilobytes * 1024;
            }
        }

        return values;
    }
}
