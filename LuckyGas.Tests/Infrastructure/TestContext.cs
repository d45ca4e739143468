namespace LuckyGas.Tests.Infrastructure;

/// <summary>Timeouts for test bodies.</summary>
public static class TestContext
{
    /// <summary>Returns a token that cancels after <paramref name="timeout"/>, so no wait in a test hangs.</summary>
    public static CancellationToken Token(TimeSpan timeout) => new CancellationTokenSource(timeout).Token;
}
