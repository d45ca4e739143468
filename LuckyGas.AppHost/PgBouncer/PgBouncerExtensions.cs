using System.Globalization;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Postgres;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace LuckyGas.AppHost.PgBouncer;

/// <summary>Adds pgBouncer in front of the PostgreSQL primary.</summary>
public static class PgBouncerExtensions
{
    /// <summary>
    /// The configuration key of the server pool size, written into pgbouncer.ini on its first
    /// render only (default 20). Tests set it low to prove that clients do not depend on a
    /// server connection of their own.
    /// </summary>
    public const string DefaultPoolSizeKey = "PgBouncer:DefaultPoolSize";

    /// <summary>
    /// Adds a <c>pgbouncer</c> resource in transaction pooling mode, pointed at the first primary
    /// on its first start, and healthy when a query through it reaches the primary. In publish
    /// mode it is a container instead (<see cref="PgBouncerContainer"/>).
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddPgBouncer(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        ServerAccount account, PostgresCluster cluster)
    {
        const string name = "pgbouncer";
        if (builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddPgBouncerContainer(name, cluster);
        }

        var directory = state.Combine(name);
        var port = ports.GetPort(name);
        account.CreatePrivateDirectory(directory);

        var authFile = Path.Combine(directory, "userlist.txt");
        var values = new Dictionary<string, string>
        {
            ["primary_host"] = "127.0.0.1",
            ["primary_port"] = cluster.Nodes[0].Port.ToString(CultureInfo.InvariantCulture),
            ["listen_address"] = "127.0.0.1",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["socket_directory"] = directory,
            ["auth_file"] = authFile,
            ["default_pool_size"] = builder.Configuration.GetValue(DefaultPoolSizeKey, 20).ToString(CultureInfo.InvariantCulture),
        };
        var configFile = Path.Combine(directory, "pgbouncer.ini");
        if (ConfigTemplate.RenderOnce(Path.Combine(builder.AppHostDirectory, "PgBouncer", "pgbouncer.ini"), configFile, values))
        {
            account.GiveOwnership(configFile);
        }

        // The user list carries passwords, so it is written from the secret parameters at every
        // start rather than rendered from a template.
        builder.Eventing.Subscribe<BeforeStartEvent>(async (_, cancellationToken) =>
        {
            var appPassword = await cluster.AppPassword.Resource.GetValueAsync(cancellationToken);
            var postgresPassword = await cluster.PostgresPassword.Resource.GetValueAsync(cancellationToken);
            await File.WriteAllTextAsync(authFile,
                $"\"{PostgresCluster.AppRole}\" \"{appPassword}\"\n\"postgres\" \"{postgresPassword}\"\n", cancellationToken);
            File.SetUnixFileMode(authFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            account.GiveOwnership(authFile);
        });

        // 1000 client connections plus the server pool need more descriptors than the common
        // default soft limit of 1024; prlimit raises the soft limit within the hard limit.
        var (pgbouncer, pgbouncerArguments) = account.Wrap("/usr/sbin/pgbouncer", configFile);
        string[] arguments = ["--nofile=4096:", "--", pgbouncer, .. pgbouncerArguments];
        const string command = "prlimit";

        builder.Services.AddHealthChecks().Add(new(name,
            _ => new PgBouncerHealthCheck(port, cluster.AppPassword.Resource), failureStatus: null, tags: null));

        return builder.AddExecutable(name, command, directory, arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(name)
            .WithParentRelationship(cluster.Group);
    }
}

/// <summary>Checks that a query through pgBouncer reaches a writable primary.</summary>
/// <param name="port">pgBouncer's port on 127.0.0.1.</param>
/// <param name="appPassword">The password of the application role.</param>
internal sealed class PgBouncerHealthCheck(int port, ParameterResource appPassword) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = PostgresCluster.AppRole,
            Password = await appPassword.GetValueAsync(cancellationToken),
            Database = PostgresCluster.DatabaseName,
            Timeout = 3,
            CommandTimeout = 3,
            Pooling = false,
        }.ConnectionString;

        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            var inRecovery = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            return inRecovery
                ? HealthCheckResult.Unhealthy("pgBouncer points at a standby, which cannot take writes.")
                : HealthCheckResult.Healthy("pgBouncer reaches the primary.");
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"No query through pgBouncer on port {port} succeeded.", exception);
        }
    }
}
