using System.Net;
using System.Net.Sockets;

namespace LuckyGas.Tests.Web;

/// <summary>
/// A TCP proxy on loopback that sends every new connection to the first upstream port that
/// accepts it: the first web instance while it runs, the second once it is gone. It emulates
/// the edge's sticky routing with failover, so a browser keeps one address while its
/// instance dies.
/// </summary>
public sealed class FailoverProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<int> _upstreamPorts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    /// <summary>Starts listening on a free loopback port.</summary>
    public FailoverProxy(IReadOnlyList<int> upstreamPorts)
    {
        _upstreamPorts = upstreamPorts;
        _listener.Start();
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>The proxy's base address.</summary>
    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            using var upstream = await ConnectAsync(cancellationToken);
            if (upstream is null)
            {
                return;
            }

            var downstreamStream = client.GetStream();
            var upstreamStream = upstream.GetStream();
            try
            {
                // When either side closes or dies, both connections end, as at a real proxy.
                await Task.WhenAny(
                    downstreamStream.CopyToAsync(upstreamStream, cancellationToken),
                    upstreamStream.CopyToAsync(downstreamStream, cancellationToken));
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
            {
                // A killed upstream resets its connections; the browser then reconnects.
            }
        }
    }

    private async Task<TcpClient?> ConnectAsync(CancellationToken cancellationToken)
    {
        foreach (var port in _upstreamPorts)
        {
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return upstream;
            }
            catch (SocketException)
            {
                upstream.Dispose();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }
}
