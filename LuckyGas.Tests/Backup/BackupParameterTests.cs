using Aspire.Hosting;
using LuckyGas.AppHost.Hosting;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Backup;

public sealed class BackupParameterTests
{
    [Fact]
    public async Task OptionalSecret_EmptyByDefault()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var parameter = builder.AddOptionalSecret("slack-webhook-url");

        var value = await parameter.Resource.GetValueAsync(TestContext.Token(TimeSpan.FromSeconds(10)));

        Assert.Equal("", value);
        Assert.True(parameter.Resource.Secret);
    }

    [Fact]
    public async Task OptionalSecret_ConfigurationSetsValue()
    {
        var builder = DistributedApplication.CreateBuilder(["--Parameters:slack-webhook-url=https://hooks.example.test/x"]);
        var parameter = builder.AddOptionalSecret("slack-webhook-url");

        var value = await parameter.Resource.GetValueAsync(TestContext.Token(TimeSpan.FromSeconds(10)));

        Assert.Equal("https://hooks.example.test/x", value);
    }
}
