using System.Diagnostics.Metrics;
using LuckyGas.Api.Features.Security;
using Microsoft.Extensions.DependencyInjection;

namespace LuckyGas.Tests.Security;

/// <summary>The security instruments have the names and labels that the Prometheus names are built from.</summary>
public sealed class SecurityMetricsTests
{
    [Fact]
    public void Instruments_RecordWithTheirNamesAndKinds()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SecurityMetrics(services.GetRequiredService<IMeterFactory>());
        var recorded = new List<(string Name, long Value, string? Kind)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SecurityMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? kind = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "kind")
                {
                    kind = tag.Value as string;
                }
            }

            recorded.Add((instrument.Name, value, kind));
        });
        listener.Start();

        metrics.RecordBlock();
        metrics.RecordSuspiciousEvent(SuspiciousKinds.Scanner);
        metrics.RecordAuditEvent("sign-in.failed");
        metrics.SetBlockedClients(3);
        listener.RecordObservableInstruments();

        Assert.Contains(("luckygas_security_blocks", 1L, (string?)null), recorded);
        Assert.Contains(("luckygas_security_suspicious_events", 1L, "scanner"), recorded);
        Assert.Contains(("luckygas_audit_events", 1L, "sign-in.failed"), recorded);
        Assert.Contains(("luckygas_security_blocked_clients", 3L, (string?)null), recorded);
    }
}
