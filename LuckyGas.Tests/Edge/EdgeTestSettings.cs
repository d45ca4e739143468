namespace LuckyGas.Tests.Edge;

/// <summary>AppHost settings that tests of the edge need on the shared platform.</summary>
public static class EdgeTestSettings
{
    /// <summary>
    /// A per-client API rate low enough for a test to exceed with a short burst of concurrent
    /// requests, and well above the few API requests per second that the edge's other tests send.
    /// Other tests call the API instances directly, so the limit does not reach them.
    /// </summary>
    public const int ApiRequestsPerSecond = 20;

    /// <summary>The burst allowed above <see cref="ApiRequestsPerSecond"/>.</summary>
    public const int ApiBurst = 20;

    /// <summary>The AppHost arguments that set these limits.</summary>
    public static readonly string[] Arguments =
    [
        $"--Edge:ApiRequestsPerSecond={ApiRequestsPerSecond}",
        $"--Edge:ApiBurst={ApiBurst}",
    ];
}
