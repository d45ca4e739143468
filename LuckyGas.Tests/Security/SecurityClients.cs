using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Security;

/// <summary>A response read from a raw HTTP/1.1 connection.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">The response headers; names compare case-insensitively.</param>
/// <param name="Body">The body as text.</param>
/// <param name="BytesSent">How many request body bytes were written before the server responded.</param>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body, long BytesSent);

/// <summary>Clients that reach the API the way the tests need: from chosen loopback addresses or over raw sockets.</summary>
public static class SecurityClients
{
    /// <summary>
    /// Returns a client of <paramref name="instance"/> whose connections come from
    /// <paramref name="source"/>, such as 127.0.0.3, so that the API gets a distinct client address.
    /// </summary>
    public static HttpClient From(PlatformInstance platform, string instance, IPAddress source, string? token = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{platform.PortOf(instance)}") };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Signs in as the bootstrapped admin and returns the bearer token.</summary>
    public static async Task<string> AdminTokenAsync(PlatformInstance platform, CancellationToken cancellationToken)
    {
        using var client = platform.App.CreateHttpClient("api-1", "http");
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token",
            new { userName = "admin", password = platform.Secrets.AdminPassword }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>
    /// Sends <paramref name="requestLine"/> and <paramref name="headers"/> exactly as given, so that
    /// targets such as <c>/a/../b</c> reach the server unnormalized, and reads the response.
    /// </summary>
    public static async Task<RawResponse> SendRawAsync(
        int port, string requestLine, IEnumerable<string> headers, CancellationToken cancellationToken,
        long chunkedBodyBytes = 0, string chunkedBodyPrefix = "")
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        var head = new StringBuilder().Append(requestLine).Append("\r\n")
            .Append("Host: 127.0.0.1:").Append(port).Append("\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        if (chunkedBodyBytes > 0)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken);

        if (chunkedBodyPrefix.Length > 0)
        {
            var prefix = Encoding.UTF8.GetBytes(chunkedBodyPrefix);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{prefix.Length:X}\r\n"), cancellationToken);
            await stream.WriteAsync(prefix, cancellationToken);
            await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        var sent = chunkedBodyBytes > 0 ? await SendChunksAsync(socket, stream, chunkedBodyBytes, cancellationToken) : 0;
        var response = await ReadToEndAsync(stream, cancellationToken);
        return Parse(response, sent);
    }

    /// <summary>Returns the resident set size of the process that serves <paramref name="port"/> for <paramref name="instance"/>.</summary>
    public static long ResidentBytesOf(string instance, int port)
    {
        var pid = FindProcess(instance, port);
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kilobytes * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line.");
    }

    // Writes the body in 64 KiB chunks until it is all sent or the server responds or closes, as a
    // client streaming a large upload would.
    private static async Task<long> SendChunksAsync(
        Socket socket, NetworkStream stream, long total, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        var header = Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n");
        var trailer = "\r\n"u8.ToArray();
        long sent = 0;
        try
        {
            while (sent < total)
            {
                if (socket.Available > 0)
                {
                    return sent;
                }

                await stream.WriteAsync(header, cancellationToken);
                await stream.WriteAsync(chunk, cancellationToken);
                await stream.WriteAsync(trailer, cancellationToken);
                sent += chunk.Length;
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        }
        catch (IOException)
        {
            // The server closed the connection after rejecting the body.
        }

        return sent;
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var block = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(block, cancellationToken)) > 0)
            {
                buffer.Write(block, 0, read);
            }
        }
        catch (IOException) when (buffer.Length > 0)
        {
            // A reset after the response arrived: the server closed a connection with unread input.
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static RawResponse Parse(string response, long sent)
    {
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"The server sent no complete response head: '{response}'");
        var lines = response[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var body = response[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawResponse(status, headers, body, sent);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }

    // A project started with 'dotnet run' has a parent process with the same environment.
    private static bool IsDotnetRun(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0').Contains("run");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FindProcess(string instance, int port)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(directory, "environ"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var variables = environment.Split('\0');
            if (variables.Contains($"LuckyGas__InstanceName={instance}")
                && variables.Any(variable => variable.EndsWith($":{port}", StringComparison.Ordinal)
                    || variable.Contains($":{port};", StringComparison.Ordinal)
                    || variable.EndsWith($"={port}", StringComparison.Ordinal))
                && !IsDotnetRun(directory))
            {
                return pid;
            }
        }

        throw new InvalidOperationException($"No process of {instance} listening on port {port} was found in /proc.");
    }
}
