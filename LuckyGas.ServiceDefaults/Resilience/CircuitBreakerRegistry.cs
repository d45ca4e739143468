using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Polly.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The current circuit breaker state of every outbound HTTP dependency, fed by Polly's telemetry
/// events. A dependency appears after its first request.
/// </summary>
public sealed partial class CircuitBreakerRegistry : TelemetryListener
{
    /// <summary>The name of the gauge, which the Prometheus exporter shows as is.</summary>
    public const string StateGaugeName = "luckygas_circuit_breaker_state";

    // The standard resilience handler names each client's pipeline "{client}-standard".
    private const string PipelineSuffix = "-standard";

    private readonly ConcurrentDictionary<string, CircuitBreakerState> _states = new(StringComparer.Ordinal);
    private readonly ILogger<CircuitBreakerRegistry> _logger;

    /// <summary>Creates the registry and its gauge on the ServiceDefaults meter.</summary>
    public CircuitBreakerRegistry(IMeterFactory meterFactory, ILogger<CircuitBreakerRegistry> logger)
    {
        _logger = logger;
        var meter = meterFactory.Create(ServiceDefaultsMeter.Name);
        meter.CreateObservableGauge(StateGaugeName, ObserveStates,
            description: "Circuit breaker state of each outbound HTTP client: 0 closed, 1 half-open, 2 open.");
    }

    /// <summary>Returns the state of every client seen so far, by client name.</summary>
    public IReadOnlyDictionary<string, CircuitBreakerState> Snapshot() =>
        _states.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    /// <summary>Records the breaker events of every pipeline, and registers clients on their first event.</summary>
    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        var client = ClientName(args.Source);
        if (client is null)
        {
            return;
        }

        CircuitBreakerState? state = args.Event.EventName switch
        {
            "OnCircuitOpened" => CircuitBreakerState.Open,
            "OnCircuitHalfOpened" => CircuitBreakerState.HalfOpen,
            "OnCircuitClosed" => CircuitBreakerState.Closed,
            _ => null,
        };

        if (state is null)
        {
            _states.TryAdd(client, CircuitBreakerState.Closed);
            return;
        }

        var previous = _states.TryGetValue(client, out var known) ? known : CircuitBreakerState.Closed;
        _states[client] = state.Value;
        if (previous != state.Value)
        {
            LogStateChanged(_logger, client, previous, state.Value);
        }
    }

    /// <summary>
    /// Returns the name a pipeline's breaker is reported under: the pipeline instance name, which
    /// <see cref="CircuitBreakerExtensions.SelectPipelinePerDependency"/> sets to the dependency's
    /// scheme, host and port, else the name of the client a handler was added to.
    /// </summary>
    private static string? ClientName(ResilienceTelemetrySource source)
    {
        if (!string.IsNullOrEmpty(source.PipelineInstanceName))
        {
            return source.PipelineInstanceName;
        }

        var pipeline = source.PipelineName;
        if (string.IsNullOrEmpty(pipeline))
        {
            return null;
        }

        var client = pipeline.EndsWith(PipelineSuffix, StringComparison.Ordinal) ? pipeline[..^PipelineSuffix.Length] : pipeline;
        return client.Length == 0 ? null : client;
    }

    private IEnumerable<Measurement<int>> ObserveStates() =>
        _states.Select(pair => new Measurement<int>((int)pair.Value, new KeyValuePair<string, object?>("client", pair.Key)));

    [LoggerMessage(EventId = 9100, EventName = "CircuitBreakerStateChanged", Level = LogLevel.Warning,
        Message = "The circuit breaker of HTTP client {Client} changed from {Previous} to {Current}")]
    private static partial void LogStateChanged(
        ILogger logger, string client, CircuitBreakerState previous, CircuitBreakerState current);
}
