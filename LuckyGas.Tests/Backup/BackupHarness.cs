using System.Net;
using System.Net.Sockets;
using System.Text;
using LuckyGas.BackupWorker;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LuckyGas.Tests.Backup;

/// <summary>
/// The worker's backup services in the test process, pointed at a started platform, with a
/// temporary local folder and settings a test can override.
/// </summary>
public sealed class BackupHarness : IAsyncDisposable
{
    private BackupHarness(ServiceProvider services, string localDirectory)
    {
        Services = services;
        LocalDirectory = localDirectory;
    }

    /// <summary>The services.</summary>
    public ServiceProvider Services { get; }

    /// <summary>The local backup folder, deleted on dispose.</summary>
    public string LocalDirectory { get; }

    /// <summary>Returns the superuser connection string of pg-verify.</summary>
    public static string VerifyServer(PlatformInstance platform, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = platform.PortOf("pg-verify"),
            Username = "postgres",
            Password = platform.Secrets.PostgresPassword,
            Database = database,
            Pooling = false,
        }.ConnectionString;

    /// <summary>Returns the multi-host connection string of every node, as the worker gets it.</summary>
    public static string EveryNode(PlatformInstance platform, string database = "luckygas") =>
        $"Host={string.Join(',', PlatformConnections.PostgresNodes.Select(node => $"127.0.0.1:{platform.PortOf(node)}"))};" +
        $"Database={database};Username=luckygas;Password={platform.Secrets.DatabasePassword}";

    /// <summary>Builds the services; <paramref name="settings"/> override the defaults.</summary>
    public static BackupHarness Create(
        PlatformInstance platform, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var localDirectory = Directory.CreateTempSubdirectory("luckygas-backup-test-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:luckygas-read"] = EveryNode(platform),
            ["Backup:PgDumpPath"] = "/usr/lib/postgresql/15/bin/pg_dump",
            ["Backup:PgRestorePath"] = "/usr/lib/postgresql/15/bin/pg_restore",
            ["Backup:LocalDirectory"] = localDirectory,
            ["Backup:EncryptionKey"] = platform.Secrets.BackupEncryptionKey,
            ["Backup:VerifyConnectionString"] = VerifyServer(platform),
            ["S3:ServiceUrl"] = $"http://127.0.0.1:{platform.PortOf("s3")}",
            ["S3:AccessKeyId"] = "S3RVER",
            ["S3:SecretAccessKey"] = "S3RVER",
            ["S3:Prefix"] = $"test-{Guid.NewGuid():N}/",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddMetrics()
            .AddSingleton<IConfiguration>(configuration);
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        services.AddBackupCore(configuration);
        configure?.Invoke(services);
        return new BackupHarness(services.BuildServiceProvider(), localDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Directory.Delete(LocalDirectory, recursive: true);
    }
}

/// <summary>A Slack-compatible webhook receiver on loopback that records each posted body.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string> _bodies = [];

    /// <summary>Starts listening on a free loopback port.</summary>
    public WebhookReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/backup/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    /// <summary>The webhook URL.</summary>
    public string Url { get; }

    /// <summary>The bodies received so far.</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    public void Dispose() => _listener.Close();

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

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (_bodies)
            {
                _bodies.Add(body);
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}

/// <summary>Records the measurements of one instrument of the backup worker's meter.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly List<(double Value, Dictionary<string, object?> Tags)> _measurements = [];

    /// <summary>Starts recording <paramref name="instrumentName"/> on the <c>LuckyGas.BackupWorker</c> meter.</summary>
    public MeasurementRecorder(string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BackupMetrics.MeterName && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>The measurements so far, with their tags.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Measurements
    {
        get
        {
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((value, copy));
        }
    }
}
