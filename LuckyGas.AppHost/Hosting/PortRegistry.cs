using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Server ports chosen once per state folder and kept in <c>ports.json</c> inside it.
/// </summary>
/// <remarks>
/// Replication connection strings, repmgr metadata and Sentinel's rewritten configuration all
/// record the ports of the other nodes, so a node must keep its port for as long as its state
/// folder lives. Ports come from below 32768 because the kernel hands out ephemeral client ports
/// from 32768 up, and a server port there collides with client sockets left in TIME_WAIT by
/// connection-heavy runs.
/// </remarks>
public sealed class PortRegistry
{
    private const int FirstPort = 20000;
    private const int LastPort = 32767;

    private static readonly JsonSerializerOptions s_writeOptions = new() { WriteIndented = true };

    private readonly string _path;
    private readonly Dictionary<string, int> _ports;

    private PortRegistry(string path, Dictionary<string, int> ports)
    {
        _path = path;
        _ports = ports;
    }

    /// <summary>Loads the ports recorded in the state folder, or starts an empty record.</summary>
    public static PortRegistry Load(StateDirectory state)
    {
        var path = state.Combine("ports.json");
        var ports = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path)) ?? []
            : [];
        return new PortRegistry(path, ports);
    }

    /// <summary>
    /// Returns the port recorded for <paramref name="resourceName"/>, or chooses a free one and
    /// records it.
    /// </summary>
    /// <exception cref="DistributedApplicationException">The recorded port is in use.</exception>
    public int GetPort(string resourceName)
    {
        if (_ports.TryGetValue(resourceName, out var recorded))
        {
            if (!IsFree(recorded))
            {
                throw new DistributedApplicationException(
                    $"Port {recorded} of resource '{resourceName}', recorded in {_path}, is in use. " +
                    $"Stop the process that listens on it (ss -ltnp 'sport = :{recorded}'), " +
                    "or start with a new state folder.");
            }

            return recorded;
        }

        var port = ChooseFreePort();
        _ports[resourceName] = port;
        File.WriteAllText(_path, JsonSerializer.Serialize(_ports, s_writeOptions));
        return port;
    }

    private int ChooseFreePort()
    {
        var taken = _ports.Values.ToHashSet();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(FirstPort, LastPort + 1);
            if (!taken.Contains(candidate) && IsFree(candidate))
            {
                return candidate;
            }
        }

        throw new DistributedApplicationException(
            $"No free TCP port was found between {FirstPort} and {LastPort} on 127.0.0.1.");
    }

    private static bool IsFree(int port)
    {
        // Servers set SO_REUSEADDR, so a port held only by TIME_WAIT sockets is free for them too.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
