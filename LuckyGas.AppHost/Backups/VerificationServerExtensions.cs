using System.Globalization;
using LuckyGas.AppHost.Hosting;
using LuckyGas.AppHost.Postgres;

namespace LuckyGas.AppHost.Backups;

/// <summary>Adds <c>pg-verify</c>, the PostgreSQL server that backup verification restores into.</summary>
public static class VerificationServerExtensions
{
    /// <summary>The resource name.</summary>
    public const string ResourceName = "pg-verify";

    /// <summary>
    /// Adds a standalone PostgreSQL 15 server, outside the replicated cluster, that runs as the
    /// server account with its data under the state folder. Its <c>postgres</c> superuser has
    /// <paramref name="postgresPassword"/>. It is healthy when a query succeeds.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddVerificationServer(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports, ServerAccount account,
        IResourceBuilder<ParameterResource> postgresPassword)
    {
        const string name = ResourceName;
        var directory = state.Combine(name);
        var port = ports.GetPort(name);
        account.CreatePrivateDirectory(directory);

        var values = new Dictionary<string, string>
        {
            ["data_directory"] = Path.Combine(directory, "data"),
            ["hba_file"] = Path.Combine(directory, "pg_hba.conf"),
            ["socket_directory"] = directory,
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (template, file) in new[] { ("pg-verify.conf", "postgresql.conf"), ("pg_hba.conf", "pg_hba.conf") })
        {
            var target = Path.Combine(directory, file);
            if (ConfigTemplate.RenderOnce(Path.Combine(builder.AppHostDirectory, "Backups", template), target, values))
            {
                account.GiveOwnership(target);
            }
        }

        var (command, arguments) = account.Wrap("bash", Path.Combine(builder.AppHostDirectory, "Backups", "pg-verify.sh"));
        builder.Services.AddHealthChecks().Add(new(name,
            _ => new PostgresNodeHealthCheck(port, directory, postgresPassword.Resource), failureStatus: null, tags: null));

        return builder.AddExecutable(name, command, directory, arguments)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithEnvironment("NODE_NAME", name)
            .WithEnvironment("NODE_DIR", directory)
            .WithEnvironment("NODE_PORT", port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("PG_BINDIR", PostgresClusterExtensions.BinDirectory)
            .WithEnvironment("HOME", directory)
            .WithEnvironment("POSTGRES_PASSWORD", postgresPassword)
            .WithHealthCheck(name);
    }

    /// <summary>Returns the superuser connection string of the verification server.</summary>
    public static ReferenceExpression GetConnectionString(
        IResourceBuilder<ExecutableResource> server, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var port = server.GetEndpoint("tcp").Property(EndpointProperty.Port);
        return ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={port};Database=postgres;Username=postgres;Password={postgresPassword.Resource}");
    }
}
