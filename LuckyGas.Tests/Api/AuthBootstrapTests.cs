using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Api.Data;
using LuckyGas.Api.Data.Entities;
using Microsoft.AspNetCore.Identity;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuckyGas.Tests.Api;

[Collection(SharedPlatform.Name)]
public sealed class AuthBootstrapTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Bootstrap_ConcurrentRuns_CreateOneAdmin()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var primary = await FindPrimaryAsync(cancellationToken);
        var databaseName = $"bootstrap_{Guid.NewGuid():N}";
        var adminConnection = fixture.Platform.Superuser(primary);
        await PlatformConnections.ExecuteAsync(adminConnection, $"CREATE DATABASE {databaseName}", cancellationToken);
        try
        {
            var connectionString = fixture.Platform.Superuser(primary, databaseName);
            await DatabaseMigrator.MigrateAsync(connectionString, NullLogger.Instance, cancellationToken);
            var password = $"first-password-{Guid.NewGuid():N}";

            // Four migrators at once find no admin, and all but one insert nothing.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AdminBootstrap.EnsureAdminAsync(
                connectionString, password, NullLogger.Instance, cancellationToken)));
            var firstHash = await ReadAdminHashAsync(connectionString, cancellationToken);

            // A later run with another password leaves the account as it is.
            await AdminBootstrap.EnsureAdminAsync(
                connectionString, $"other-password-{Guid.NewGuid():N}", NullLogger.Instance, cancellationToken);

            var admins = await PlatformConnections.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM staff_users WHERE user_name = 'admin' AND role = 'Admin' AND active", cancellationToken);
            Assert.Equal(1, admins);
            var stored = new StaffUser { UserName = "admin", DisplayName = "Administrator", PasswordHash = firstHash };
            Assert.Equal(PasswordVerificationResult.Success,
                new PasswordHasher<StaffUser>().VerifyHashedPassword(stored, firstHash, password));
            Assert.Equal(firstHash, await ReadAdminHashAsync(connectionString, cancellationToken));
        }
        finally
        {
            await PlatformConnections.ExecuteAsync(adminConnection,
                $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)", CancellationToken.None);
        }
    }

    [Fact]
    public async Task Bootstrap_AdminExists_KeepsPlatformPassword()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));

        await AdminBootstrap.EnsureAdminAsync(fixture.Platform.ThroughPgBouncer(),
            $"other-password-{Guid.NewGuid():N}", NullLogger.Instance, cancellationToken);

        using var client = fixture.Platform.App.CreateHttpClient("api-1", "http");
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token",
            new { userName = "admin", password = fixture.Platform.Secrets.AdminPassword }, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bootstrap_MissingPassword_WarnsWithoutConnecting()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromSeconds(30));
        var logger = new RecordingLogger();

        // No server listens on port 1, so any connection attempt would throw.
        await AdminBootstrap.EnsureAdminAsync("Host=127.0.0.1;Port=1;Timeout=2", null, logger, cancellationToken);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("Auth:AdminPassword", entry.Message, StringComparison.Ordinal);
    }

    private async Task<string> FindPrimaryAsync(CancellationToken cancellationToken)
    {
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            var isPrimary = await PlatformConnections.ScalarAsync<bool>(
                fixture.Platform.Superuser(node), "SELECT NOT pg_is_in_recovery()", cancellationToken);
            if (isPrimary)
            {
                return node;
            }
        }

        throw new InvalidOperationException("No PostgreSQL node is the primary.");
    }

    private static Task<string> ReadAdminHashAsync(string connectionString, CancellationToken cancellationToken) =>
        PlatformConnections.ScalarAsync<string>(connectionString,
            "SELECT password_hash FROM staff_users WHERE user_name = 'admin'", cancellationToken);

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
