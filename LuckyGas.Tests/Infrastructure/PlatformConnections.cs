using Amazon.Runtime;
using Amazon.S3;
using Npgsql;
using StackExchange.Redis;

namespace LuckyGas.Tests.Infrastructure;

/// <summary>Clients of the platform's servers, built from the ports and secrets of a run.</summary>
public static class PlatformConnections
{
    /// <summary>The names of the PostgreSQL node resources.</summary>
    public static readonly string[] PostgresNodes = ["postgres-1", "postgres-2", "postgres-3"];

    /// <summary>The names of the Sentinel resources.</summary>
    public static readonly string[] Sentinels = ["sentinel-1", "sentinel-2", "sentinel-3"];

    /// <summary>Returns a connection string to one node as the superuser, without pooling.</summary>
    public static string Superuser(this PlatformInstance platform, string node, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = platform.PortOf(node),
            Username = "postgres",
            Password = platform.Secrets.PostgresPassword,
            Database = database,
            Pooling = false,
            Timeout = 5,
        }.ConnectionString;

    /// <summary>Returns a connection string through pgBouncer as the application role.</summary>
    public static string ThroughPgBouncer(this PlatformInstance platform) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = platform.PortOf("pgbouncer"),
            Username = "luckygas",
            Password = platform.Secrets.DatabasePassword,
            Database = "luckygas",
            Pooling = false,
            NoResetOnClose = true,
            Timeout = 30,
            CommandTimeout = 60,
        }.ConnectionString;

    /// <summary>Returns options that reach one Redis node or sentinel directly.</summary>
    public static ConfigurationOptions RedisDirect(this PlatformInstance platform, int port, bool sentinel = false)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = platform.Secrets.RedisPassword,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            AllowAdmin = true,
        };
        if (sentinel)
        {
            options.CommandMap = CommandMap.Sentinel;
        }

        return options;
    }

    /// <summary>Returns options that find the master through the sentinels, as the API does.</summary>
    public static ConfigurationOptions RedisThroughSentinels(this PlatformInstance platform)
    {
        var options = new ConfigurationOptions
        {
            ServiceName = "luckygas",
            Password = platform.Secrets.RedisPassword,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
        };
        foreach (var sentinel in Sentinels)
        {
            options.EndPoints.Add("127.0.0.1", platform.PortOf(sentinel));
        }

        return options;
    }

    /// <summary>Returns an S3 client for the local store, with path-style addressing.</summary>
    public static AmazonS3Client S3Client(this PlatformInstance platform) =>
        new(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{platform.PortOf("s3")}",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            // S3-compatible stores do not all support the newer default checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    /// <summary>Runs a query that returns one value.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs a statement.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
