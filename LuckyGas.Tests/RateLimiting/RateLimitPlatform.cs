using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.RateLimiting;

/// <summary>
/// Starts a platform whose limits are small enough to reach in a test: a 9 s window, 5 reads for
/// Basic keys and for anonymous callers, and no practical limit for Enterprise keys, which the
/// benchmark uses. Redis is tried again 1 s after a failure.
/// </summary>
public sealed class RateLimitPlatformFixture : IAsyncLifetime
{
    /// <summary>The window of every limit.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(9);

    /// <summary>The reads per window of Basic keys and of anonymous callers.</summary>
    public const int SmallLimit = 5;

    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    /// <summary>The state folder of this platform.</summary>
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("luckygas-ratelimit-").FullName;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        _platform = await PlatformInstance.StartAsync(StateDirectory, new PlatformSecrets(), timeout.Token,
            "--Api:RateLimiting:Window=00:00:09",
            $"--Api:RateLimiting:Tiers:Basic:Reads={SmallLimit}",
            $"--Api:RateLimiting:Anonymous:Reads={SmallLimit}",
            "--Api:RateLimiting:Tiers:Enterprise:Reads=100000000",
            "--Api:RateLimiting:RetryInterval=00:00:01");
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        TestState.Delete(StateDirectory);
    }

    /// <summary>
    /// Returns a client of <paramref name="instance"/> whose connections come from
    /// <paramref name="sourceAddress"/>, such as the trusted proxy's 127.0.0.2.
    /// </summary>
    public HttpClient ClientFrom(string instance, IPAddress sourceAddress)
    {
        var port = Platform.PortOf(instance);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(sourceAddress, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }
}

/// <summary>The test classes that share the platform with small limits.</summary>
[CollectionDefinition(Name)]
public sealed class RateLimitPlatform : ICollectionFixture<RateLimitPlatformFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "RateLimitPlatform";
}
