using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace LuckyGas.Api.Infrastructure.ReadRouting;

/// <summary>
/// The Npgsql data sources that reads use, chosen from the last probe round: one over the eligible
/// standbys with the primary last as the fallback, or, when no standby is eligible, one over every
/// node that prefers the primary.
/// </summary>
/// <remarks>
/// Npgsql fixes the host list of a data source when it is built and balances connections only
/// among those hosts, so routing switches between data sources instead of changing one. One
/// <see cref="NpgsqlMultiHostDataSource"/> is built per distinct host list on first use and kept
/// until the application stops. Each list is a subset of the configured nodes plus at most one
/// primary, so there are only a few, and keeping them means that none is disposed while a request
/// still uses one of its connections. The idle pooled connections of a list that is no longer
/// chosen close after the connection string's Connection Idle Lifetime (300 s by Npgsql's default).
/// </remarks>
public sealed class ReadDataSources(ReadConnectionSettings connection, StandbyLagMonitor monitor) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DataSourceEntry>> _dataSources = new(StringComparer.OrdinalIgnoreCase);
    private volatile Route? _route;

    /// <summary>Returns the data source for reads that carry no consistency token.</summary>
    public NpgsqlDataSource ForReads()
    {
        var snapshot = monitor.Snapshot;
        var route = _route;
        if (route is not null && ReferenceEquals(route.Snapshot, snapshot))
        {
            return route.DataSource;
        }

        var (endpoints, target) = ChooseForReads(snapshot);
        route = new Route(snapshot, Get(endpoints, target));
        _route = route;
        return route.DataSource;
    }

    /// <summary>
    /// Returns a data source over the eligible standbys that had replayed
    /// <paramref name="position"/> by the last probe round, with the primary last as the fallback,
    /// or null when that round found no such standby.
    /// </summary>
    public NpgsqlDataSource? ForPosition(NpgsqlLogSequenceNumber position)
    {
        var snapshot = monitor.Snapshot;
        var covering = snapshot.EligibleStandbys
            .Where(node => node.Position >= position)
            .Select(node => node.Endpoint)
            .ToList();
        if (covering.Count == 0)
        {
            return null;
        }

        return Get(WithPrimaryLast(covering, snapshot.PrimaryEndpoint), TargetSessionAttributes.PreferStandby);
    }

    /// <summary>Disposes every data source, which closes their pooled connections.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _dataSources.Values.Where(entry => entry.IsValueCreated))
        {
            await entry.Value.MultiHost.DisposeAsync();
        }
    }

    private (IReadOnlyList<string> Endpoints, TargetSessionAttributes Target) ChooseForReads(StandbyLagSnapshot snapshot)
    {
        // Before the first probe round, reads use every node and prefer standbys, as the
        // connection string does.
        if (!snapshot.IsMeasured)
        {
            return (connection.Endpoints, TargetSessionAttributes.PreferStandby);
        }

        var eligible = snapshot.EligibleStandbys.Select(node => node.Endpoint).ToList();
        if (eligible.Count > 0)
        {
            return (WithPrimaryLast(eligible, snapshot.PrimaryEndpoint), TargetSessionAttributes.PreferStandby);
        }

        // NOTE: when no primary responds either, for example during a failover, this choice lets a
        // lagging standby serve reads, because stale reads are preferred to failed ones until the next round.
        return (connection.Endpoints, TargetSessionAttributes.PreferPrimary);
    }

    // Npgsql tries the hosts that match the preferred server type first and falls back to the others,
    // so the primary at the end serves reads only while no listed standby accepts connections.
    // NOTE: Npgsql's round-robin starts at each host in turn and moves on past a host of the wrong
    // type, so with two standbys and the primary the first standby receives about two thirds of the
    // reads. The configured connection string, with all three nodes, behaves the same.
    private static List<string> WithPrimaryLast(List<string> standbys, string? primary)
    {
        if (primary is not null && !standbys.Contains(primary, StringComparer.OrdinalIgnoreCase))
        {
            standbys.Add(primary);
        }

        return standbys;
    }

    private NpgsqlDataSource Get(IReadOnlyList<string> endpoints, TargetSessionAttributes target)
    {
        // Npgsql accepts target session attributes other than Any only with several hosts.
        var effectiveTarget = endpoints.Count > 1 ? target : TargetSessionAttributes.Any;
        var key = $"{effectiveTarget}|{string.Join(',', endpoints)}";
        var entry = _dataSources.GetOrAdd(key, _ => new Lazy<DataSourceEntry>(() => Build(endpoints, effectiveTarget)));
        return entry.Value.DataSource;
    }

    private DataSourceEntry Build(IReadOnlyList<string> endpoints, TargetSessionAttributes target)
    {
        var settings = connection.CreateSettings([.. endpoints]);
        var multiHost = new NpgsqlDataSourceBuilder(settings.ConnectionString).BuildMultiHost();
        return new DataSourceEntry(multiHost, multiHost.WithTargetSession(target));
    }

    private sealed record DataSourceEntry(NpgsqlMultiHostDataSource MultiHost, NpgsqlDataSource DataSource);

    private sealed record Route(StandbyLagSnapshot Snapshot, NpgsqlDataSource DataSource);
}
