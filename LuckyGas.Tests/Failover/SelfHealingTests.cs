using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Failover;

/// <summary>Kills server and application processes of a platform of its own and expects the AppHost to restart them.</summary>
[Collection(ChaosPlatform.Name)]
public sealed class SelfHealingTests(OwnPlatformFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(30);

    private PlatformInstance Platform => fixture.Platform;

    [Theory]
    [InlineData("pgbouncer", true)]
    [InlineData("sentinel-2", true)]
    [InlineData("api-2", false)]
    public async Task KilledProcess_IsRestartedAndCounted(string resource, bool inStateFolder)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var port = Platform.PortOf(resource);
        var before = RestartCount(resource);
        var victim = Platform.ListenerId(port, inStateFolder);

        var stopwatch = Stopwatch.StartNew();
        ChaosActions.Kill(victim);
        var replacement = await Eventually.WaitAsync(_ => Task.FromResult(TryListenerId(port, inStateFolder)),
            id => id is not null && id != victim, RestartTimeout, cancellationToken);
        output.WriteLine($"{resource} listened again {stopwatch.Elapsed.TotalSeconds:F1} s after SIGKILL.");

        Assert.True(replacement is not null, $"{resource} did not listen again within {RestartTimeout.TotalSeconds:F0} s.");
        Assert.NotEqual(victim, replacement);
        await Platform.App.WaitForHealthyAsync([resource], RestartTimeout, cancellationToken);
        var after = await Eventually.WaitAsync(_ => Task.FromResult(RestartCount(resource)),
            count => count > before, TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task StoppedByCommand_StaysStopped()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var commands = Platform.App.Services.GetRequiredService<ResourceCommandService>();
        var before = RestartCount("sentinel-3");

        var stopped = await commands.ExecuteCommandAsync("sentinel-3", KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stopped.Success, stopped.Message);
        // On a loaded machine the process can take a few seconds to exit after the command returns.
        var port = Platform.PortOf("sentinel-3");
        var listener = await Eventually.WaitAsync(_ => Task.FromResult(TryListenerId(port, inStateFolder: true)),
            id => id is null, TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Null(listener);

        // It stays stopped: the supervisor does not treat the requested stop as a crash.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        Assert.Null(TryListenerId(port, inStateFolder: true));
        Assert.Equal(before, RestartCount("sentinel-3"));

        var started = await commands.ExecuteCommandAsync("sentinel-3", KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, started.Message);
        await Platform.App.WaitForHealthyAsync(["sentinel-3"], RestartTimeout, cancellationToken);
    }

    private int? TryListenerId(int port, bool inStateFolder)
    {
        try
        {
            return Platform.ListenerId(port, inStateFolder);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads the resource's counter from the file that node_exporter's textfile collector reads.</summary>
    private int RestartCount(string resource)
    {
        var path = Path.Combine(Platform.StateDirectory, "node-exporter", "resource-restarts.prom");
        var prefix = $"luckygas_resource_restarts_total{{resource=\"{resource}\"}} ";
        var line = File.ReadLines(path).Single(line => line.StartsWith(prefix, StringComparison.Ordinal));
        return int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
