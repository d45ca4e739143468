using System.Diagnostics.Metrics;

namespace LuckyGas.Api.Features.Security;

/// <summary>
/// The security instruments of the <c>LuckyGas.Api</c> meter. Prometheus shows them as
/// <c>luckygas_security_blocks_total</c>, <c>luckygas_security_blocked_clients</c>,
/// <c>luckygas_security_suspicious_events_total{kind}</c> and <c>luckygas_audit_events_total{kind}</c>.
/// </summary>
public sealed class SecurityMetrics
{
    /// <summary>The meter name shared by the API's instruments.</summary>
    public const string MeterName = "LuckyGas.Api";

    private readonly Counter<long> _blocks;
    private readonly Counter<long> _suspiciousEvents;
    private readonly Counter<long> _auditEvents;
    private long _blockedClients;

    /// <summary>Creates the instruments on the API's meter.</summary>
    public SecurityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _blocks = meter.CreateCounter<long>("luckygas_security_blocks",
            description: "Clients blocked after crossing the suspicious-activity threshold.");
        _suspiciousEvents = meter.CreateCounter<long>("luckygas_security_suspicious_events",
            description: "Suspicious requests and responses that added to a client's score, by kind.");
        _auditEvents = meter.CreateCounter<long>("luckygas_audit_events",
            description: "Security events written to the audit log, by kind.");
        // A zero from the start, so the series exists and rate() over it works before the first block.
        _blocks.Add(0);
        meter.CreateObservableGauge("luckygas_security_blocked_clients", () => Interlocked.Read(ref _blockedClients),
            description: "Clients blocked at the last count of the shared block list.");
    }

    /// <summary>Counts one new block.</summary>
    public void RecordBlock() => _blocks.Add(1);

    /// <summary>Counts one suspicious event of <paramref name="kind"/>.</summary>
    public void RecordSuspiciousEvent(string kind) => _suspiciousEvents.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts one audit event of <paramref name="kind"/>.</summary>
    public void RecordAuditEvent(string kind) => _auditEvents.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Sets the number of currently blocked clients.</summary>
    public void SetBlockedClients(long count) => Interlocked.Exchange(ref _blockedClients, count);
}
