using System.Diagnostics;
using LuckyGas.Api.Data;
using LuckyGas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class MigrationTests(PlatformFixture fixture)
{
    [Fact]
    public async Task ThreeMigratorsAtOnce_ApplyEachMigrationOnce()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(3));
        var platform = fixture.Platform;
        var database = $"migration_probe_{Guid.NewGuid():N}";
        await PlatformConnections.ExecuteAsync(platform.Superuser("postgres-1"),
            $"CREATE DATABASE {database} OWNER luckygas", cancellationToken);

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = platform.PortOf("postgres-1"),
            Database = database,
            Username = "luckygas",
            Password = platform.Secrets.DatabasePassword,
        }.ConnectionString;

        var migrators = Enumerable.Range(0, 3).Select(_ => StartMigrator(connectionString)).ToList();
        try
        {
            await Task.WhenAll(migrators.Select(migrator => migrator.WaitForExitAsync(cancellationToken)));
            foreach (var migrator in migrators)
            {
                Assert.True(migrator.ExitCode == 0,
                    $"A migrator exited with {migrator.ExitCode}:\n{await migrator.StandardError.ReadToEndAsync(cancellationToken)}");
            }
        }
        finally
        {
            foreach (var migrator in migrators.Where(migrator => !migrator.HasExited))
            {
                migrator.Kill(entireProcessTree: true);
            }
        }

        var applied = new List<string>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT migration_id FROM \"__EFMigrationsHistory\"", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        await using var model = new WriteDbContext(new DbContextOptionsBuilder<WriteDbContext>()
            .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
        var expected = model.Database.GetMigrations().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), applied.Order());
    }

    private static Process StartMigrator(string connectionString)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(WriteDbContext).Assembly.Location, DatabaseMigrator.Switch },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__luckygas-migrations"] = connectionString;
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Failed to start the migrator.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
