using System.Diagnostics;
using System.Globalization;
using LuckyGas.Api.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LuckyGas.Api.Features.Monitoring.Health;

/// <summary>
/// Reports pgBouncer's pools from <c>SHOW POOLS</c> on its admin console, the <c>pgbouncer</c>
/// database, signed in with the write connection's role, which pgbouncer.ini lists in
/// <c>stats_users</c>. Degraded while a client has waited more than 5 s for a server connection.
/// </summary>
/// <remarks>
/// The admin console of pgBouncer 1.18 speaks only the simple query protocol, which Npgsql does
/// not use, so the check runs <c>psql</c>.
/// NOTE: psql must be installed beside the API; in run mode it comes with postgresql-15.
/// </remarks>
internal sealed class PgBouncerPoolsCheck(IConfiguration configuration, IOptions<MonitoringOptions> options) : IDependencyCheck
{
    private const int SlowWaitSeconds = 5;

    public string Name => "pgbouncer";

    public string Kind => "pgbouncer";

    public bool IsCritical => false;

    public async Task<IReadOnlyList<HealthEntry>> CheckAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(
            configuration.GetConnectionString(DataAccessExtensions.WriteConnectionName));
        var start = new ProcessStartInfo(options.Value.PsqlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "-X", "-q", "--csv",
                "-h", connection.Host ?? "127.0.0.1",
                "-p", connection.Port.ToString(CultureInfo.InvariantCulture),
                "-U", connection.Username ?? string.Empty,
                "-d", "pgbouncer",
                "-c", "SHOW POOLS",
            },
        };
        // The password goes through the environment, never the command line that ps shows.
        start.Environment["PGPASSWORD"] = connection.Password ?? string.Empty;
        start.Environment["PGCONNECT_TIMEOUT"] = "2";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{options.Value.PsqlPath} did not start.");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                return [HealthEntry.Create(Name, Kind, HealthStatus.Unhealthy,
                    $"SHOW POOLS on pgBouncer {connection.Host}:{connection.Port} failed: {(await error).Trim()}")];
            }

            return [Describe(ParseCsv(await output))];
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private HealthEntry Describe(List<Dictionary<string, string>> rows)
    {
        var pools = rows
            .Where(row => row.GetValueOrDefault("database") != "pgbouncer")
            .Select(row => new Dictionary<string, object?>
            {
                ["database"] = row.GetValueOrDefault("database"),
                ["user"] = row.GetValueOrDefault("user"),
                ["activeClients"] = Number(row, "cl_active"),
                ["waitingClients"] = Number(row, "cl_waiting"),
                ["activeServers"] = Number(row, "sv_active"),
                ["idleServers"] = Number(row, "sv_idle"),
                ["maxWaitSeconds"] = Number(row, "maxwait"),
            })
            .ToList();
        var active = pools.Sum(pool => (long)pool["activeClients"]!);
        var waiting = pools.Sum(pool => (long)pool["waitingClients"]!);
        var maxWait = pools.Select(pool => (long)pool["maxWaitSeconds"]!).DefaultIfEmpty(0).Max();
        var data = new Dictionary<string, object?>
        {
            ["activeClients"] = active,
            ["waitingClients"] = waiting,
            ["maxWaitSeconds"] = maxWait,
            ["pools"] = pools,
        };

        var description = string.Create(CultureInfo.InvariantCulture,
            $"{pools.Count} pools: {active} active and {waiting} waiting clients, longest wait {maxWait} s.");
        var status = maxWait > SlowWaitSeconds ? HealthStatus.Degraded : HealthStatus.Healthy;
        return new HealthEntry(Name, Kind, status, description, 0, data);
    }

    private static long Number(Dictionary<string, string> row, string column) =>
        long.TryParse(row.GetValueOrDefault(column), CultureInfo.InvariantCulture, out var value) ? value : 0;

    // SHOW POOLS values are names and numbers, which psql's CSV output never quotes.
    private static List<Dictionary<string, string>> ParseCsv(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return [];
        }

        var header = lines[0].Split(',');
        return lines.Skip(1)
            .Select(line => header.Zip(line.Split(','))
                .ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal))
            .ToList();
    }
}
