namespace LuckyGas.Tests.Infrastructure;

/// <summary>
/// Starts the whole platform once for every test class in <see cref="SharedPlatform"/>, in a
/// fresh temporary state folder that is deleted afterwards.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    /// <summary>The state folder of this test run.</summary>
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("luckygas-test-").FullName;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        _platform = await PlatformInstance.StartAsync(
            StateDirectory, new PlatformSecrets(), timeout.Token, Edge.EdgeTestSettings.Arguments);
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        TestState.Delete(StateDirectory);
    }
}

/// <summary>The test classes that share one started platform.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPlatform : ICollectionFixture<PlatformFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Platform";
}
