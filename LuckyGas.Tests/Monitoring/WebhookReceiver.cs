using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LuckyGas.Tests.Monitoring;

/// <summary>
/// A fake Slack-compatible webhook on loopback that records every request body, standing in for
/// Slack, which no local run can reach.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <summary>Starts listening on a free port of 127.0.0.1.</summary>
    public WebhookReceiver()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>The URL to give Alertmanager.</summary>
    public string Url => $"http://127.0.0.1:{Port}/hooks/alerts";

    /// <summary>The bodies received so far, in arrival order.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // The listener was stopped while waiting for a request.
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                Bodies.Enqueue(await reader.ReadToEndAsync());
            }

            // Slack returns "ok" with HTTP 200.
            context.Response.StatusCode = 200;
            await using (var writer = new StreamWriter(context.Response.OutputStream))
            {
                await writer.WriteAsync("ok");
            }

            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
