using System.Globalization;
using Npgsql;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// The read connection string, split into its hosts so that the probe can reach each node alone and
/// routing can build data sources over any subset of them.
/// </summary>
public sealed class ReadConnectionSettings
{
    private readonly string _connectionString;

    /// <summary>Parses <paramref name="connectionString"/> and its Host list.</summary>
    /// <exception cref="ArgumentException">The connection string has no host, or a host entry has an invalid port.</exception>
    public ReadConnectionSettings(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new ArgumentException("The read connection string has no Host.", nameof(connectionString));
        }

        _connectionString = settings.ConnectionString;
        Endpoints = SplitHosts(settings.Host, settings.Port);
    }

    /// <summary>
    /// Every host of the connection string as <c>host:port</c>, in the order the connection string
    /// lists them.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Reads the connection string <paramref name="name"/> from configuration.</summary>
    /// <exception cref="InvalidOperationException">The connection string is missing.</exception>
    public static ReadConnectionSettings FromConfiguration(IConfiguration configuration, string name)
    {
        var connectionString = configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"The connection string '{name}' is missing. Start the API from the AppHost, which provides it, " +
                $"or set ConnectionStrings:{name}.");
        }

        return new ReadConnectionSettings(connectionString);
    }

    /// <summary>
    /// Returns connection settings for <paramref name="endpoints"/> only, without target session
    /// attributes, so that the caller chooses the server type per data source.
    /// </summary>
    public NpgsqlConnectionStringBuilder CreateSettings(IReadOnlyCollection<string> endpoints)
    {
        return new NpgsqlConnectionStringBuilder(_connectionString)
        {
            Host = string.Join(',', endpoints),
            TargetSessionAttributes = null,
            LoadBalanceHosts = endpoints.Count > 1,
        };
    }

    /// <summary>
    /// Splits a Host list the way Npgsql does: entries are separated by commas, each is
    /// <c>host</c> or <c>host:port</c>, and an IPv6 address followed by a port is written in
    /// brackets. Entries without a port get <paramref name="defaultPort"/>, and repeated entries
    /// are dropped.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is empty or has an invalid port.</exception>
    public static IReadOnlyList<string> SplitHosts(string hostList, int defaultPort)
    {
        var endpoints = new List<string>();
        foreach (var entry in hostList.Split(',', StringSplitOptions.TrimEntries))
        {
            if (entry.Length == 0)
            {
                throw new ArgumentException($"The host list '{hostList}' contains an empty entry.", nameof(hostList));
            }

            var (host, port) = SplitHostPort(entry, defaultPort);
            if (port is < 1 or > 65535)
            {
                throw new ArgumentException(
                    $"The host entry '{entry}' has an invalid port; expected a number from 1 to 65535.", nameof(hostList));
            }

            // A bare IPv6 address gets brackets, so that the port stays separable when the
            // endpoints are joined into a Host list again.
            var bracketed = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
            var endpoint = string.Create(CultureInfo.InvariantCulture, $"{bracketed}:{port}");
            if (!endpoints.Contains(endpoint, StringComparer.OrdinalIgnoreCase))
            {
                endpoints.Add(endpoint);
            }
        }

        return endpoints;
    }

    private static (string Host, int Port) SplitHostPort(string entry, int defaultPort)
    {
        // The same test as Npgsql's NpgsqlConnectionStringBuilder.TrySplitHostPort: the last colon
        // separates a port unless the entry is a bare IPv6 address.
        var portSeparator = entry.LastIndexOf(':');
        if (portSeparator <= 0)
        {
            return (entry, defaultPort);
        }

        var otherColon = entry.LastIndexOf(':', portSeparator - 1);
        var ipv6End = entry.LastIndexOf(']');
        if (otherColon != -1 && (portSeparator < ipv6End || otherColon > ipv6End))
        {
            return (entry, defaultPort);
        }

        // A port that is not a number comes back as -1, which the caller rejects.
        var port = int.TryParse(entry.AsSpan(portSeparator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : -1;
        return (entry[..portSeparator], port);
    }
}
