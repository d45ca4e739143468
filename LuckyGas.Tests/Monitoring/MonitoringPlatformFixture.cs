using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

/// <summary>
/// Starts the platform once for the monitoring tests, with Alertmanager's webhook pointed at a
/// <see cref="WebhookReceiver"/> that the fixture starts first.
/// </summary>
/// <remarks>
/// The monitoring tests need their own platform because the webhook URL is a start-up parameter
/// and because some of them stop a standby or pause Redis.
/// </remarks>
public sealed class MonitoringPlatformFixture : IAsyncLifetime
{
    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    /// <summary>The fake webhook that Alertmanager notifies.</summary>
    public WebhookReceiver Webhook { get; } = new();

    /// <summary>The state folder of this run.</summary>
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("luckygas-monitoring-").FullName;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        _platform = await PlatformInstance.StartAsync(StateDirectory, new PlatformSecrets(), timeout.Token,
            $"--Parameters:slack-webhook-url={Webhook.Url}");
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        await Webhook.DisposeAsync();
        TestState.Delete(StateDirectory);
    }
}

/// <summary>The test classes that share the monitoring platform.</summary>
[CollectionDefinition(Name)]
public sealed class MonitoringPlatform : ICollectionFixture<MonitoringPlatformFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Monitoring platform";
}
