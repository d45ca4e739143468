using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Topology;

[Collection(SharedPlatform.Name)]
public sealed class ApplicationInstanceTests(PlatformFixture fixture)
{
    public static TheoryData<string> Instances => ["api-1", "api-2", "web-1", "web-2", "backup-worker"];

    [Theory]
    [MemberData(nameof(Instances))]
    public async Task Instance_IsReadyAndNamesItself(string resourceName)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        using var client = fixture.Platform.App.CreateHttpClient(resourceName, "http");

        using var readiness = await client.GetAsync("/health", cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, readiness.StatusCode);
        Assert.Equal(resourceName, Assert.Single(readiness.Headers.GetValues("X-Served-By")));

        using var liveness = await client.GetAsync("/alive", cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, liveness.StatusCode);

        using var missing = await client.GetAsync("/no-such-page", cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(resourceName, Assert.Single(missing.Headers.GetValues("X-Served-By")));
    }
}
