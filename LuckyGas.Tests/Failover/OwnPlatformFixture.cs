using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Failover;

/// <summary>
/// Starts a platform of its own for the test classes that break servers, on a fresh temporary state
/// folder, so the faults never reach the shared platform.
/// </summary>
public sealed class OwnPlatformFixture : IAsyncLifetime
{
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("luckygas-chaos-").FullName;
    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        _platform = await PlatformInstance.StartAsync(_stateDirectory, new PlatformSecrets(), timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        TestState.Delete(_stateDirectory);
    }
}

/// <summary>The chaos test classes that share one platform of their own, one class after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ChaosPlatform : ICollectionFixture<OwnPlatformFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Chaos platform";
}
