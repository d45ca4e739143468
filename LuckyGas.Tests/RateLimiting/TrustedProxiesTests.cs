using System.Net;
using Microsoft.Extensions.Hosting;

namespace LuckyGas.Tests.RateLimiting;

public sealed class TrustedProxiesTests
{
    [Fact]
    public void Parse_CommaSeparated_ReturnsAddresses()
    {
        var proxies = TrustedProxies.Parse(" 127.0.0.2, ::1 ,");

        Assert.Equal([IPAddress.Parse("127.0.0.2"), IPAddress.IPv6Loopback], proxies);
    }

    [Fact]
    public void Parse_Empty_TrustsNobody()
    {
        Assert.Empty(TrustedProxies.Parse(null));
        Assert.Empty(TrustedProxies.Parse(""));
    }

    [Fact]
    public void Parse_NotAnAddress_NamesSettingAndValue()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => TrustedProxies.Parse("127.0.0.2,edge.local"));

        Assert.Contains("LuckyGas:TrustedProxies", exception.Message, StringComparison.Ordinal);
        Assert.Contains("'edge.local'", exception.Message, StringComparison.Ordinal);
    }
}
