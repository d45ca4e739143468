namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The state of an HTTP client's circuit breaker. The values are those of the
/// <c>luckygas_circuit_breaker_state</c> gauge.
/// </summary>
public enum CircuitBreakerState
{
    /// <summary>Requests flow.</summary>
    Closed = 0,

    /// <summary>The break ended and trial requests decide whether to close or open again.</summary>
    HalfOpen = 1,

    /// <summary>Requests fail at once without reaching the dependency.</summary>
    Open = 2,
}
