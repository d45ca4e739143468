namespace LuckyGas.AppHost.Applications;

/// <summary>The one proxy whose forwarded headers the applications believe.</summary>
/// <remarks>
/// Every process here shares the loopback interface, so the edge connects to the API and web
/// instances from its own loopback address. Other local clients connect from 127.0.0.1, and
/// their <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> headers are ignored.
/// </remarks>
public static class TrustedProxy
{
    /// <summary>The source address of the edge's connections to the applications.</summary>
    public const string SourceAddress = "127.0.0.2";
}
