using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;
using Npgsql;

namespace LuckyGas.Tests.Security;

/// <summary>
/// The audit log's hash chain reports a row removed or edited directly in the database, and the
/// application's database role can append to the log but not change it.
/// </summary>
[Collection(SharedPlatform.Name)]
public sealed class AuditLogTests(PlatformFixture fixture)
{
    [Fact]
    public async Task SignIns_AreAuditedWithoutPasswords()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var platform = fixture.Platform;
        using var anonymous = platform.App.CreateHttpClient("api-1", "http");
        var wrongPassword = $"wrong-{Guid.NewGuid():N}";
        using var rejected = await anonymous.PostAsJsonAsync("/api/v1/auth/token",
            new { userName = "admin", password = wrongPassword }, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, rejected.StatusCode);

        using var admin = await AdminClientAsync(cancellationToken);
        var failures = await admin.GetStringAsync("/api/v1/admin/audit?kind=sign-in.failed&limit=20", cancellationToken);
        var successes = await admin.GetStringAsync("/api/v1/admin/audit?kind=sign-in.succeeded&limit=20", cancellationToken);

        Assert.Contains("\"subject\":\"admin\"", failures, StringComparison.Ordinal);
        Assert.Contains("\"subject\":\"admin\"", successes, StringComparison.Ordinal);
        var everything = await admin.GetStringAsync("/api/v1/admin/audit?limit=500", cancellationToken);
        Assert.DoesNotContain(wrongPassword, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.Secrets.AdminPassword, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedRow_IsReportedByVerification()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await AdminClientAsync(cancellationToken);
        var intact = await VerifyAsync(admin, cancellationToken);
        Assert.True(intact.GetProperty("intact").GetBoolean(), $"The chain was broken before the test: {intact}");
        var victim = await MiddleRowIdAsync(cancellationToken);

        await using var connection = await TamperAsync(victim,
            $"DELETE FROM audit.audit_log WHERE id = {victim}", cancellationToken);
        var broken = await VerifyAsync(admin, cancellationToken);
        await ExecuteAsync(connection, "INSERT INTO audit.audit_log SELECT * FROM original", cancellationToken);
        var restored = await VerifyAsync(admin, cancellationToken);

        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(victim, broken.GetProperty("firstBreak").GetProperty("id").GetInt64());
        Assert.Contains("missing", broken.GetProperty("firstBreak").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(restored.GetProperty("intact").GetBoolean(), $"The restored chain is still broken: {restored}");
    }

    [Fact]
    public async Task EditedRow_IsReportedByVerification()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var admin = await AdminClientAsync(cancellationToken);
        var victim = await MiddleRowIdAsync(cancellationToken);

        await using var connection = await TamperAsync(victim,
            $"UPDATE audit.audit_log SET actor = 'user:someone-else' WHERE id = {victim}", cancellationToken);
        var broken = await VerifyAsync(admin, cancellationToken);
        await ExecuteAsync(connection,
            "UPDATE audit.audit_log AS log SET actor = original.actor FROM original WHERE log.id = original.id",
            cancellationToken);
        var restored = await VerifyAsync(admin, cancellationToken);

        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(victim, broken.GetProperty("firstBreak").GetProperty("id").GetInt64());
        Assert.Contains("altered", broken.GetProperty("firstBreak").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(restored.GetProperty("intact").GetBoolean(), $"The restored chain is still broken: {restored}");
    }

    [Theory]
    [InlineData("UPDATE audit.audit_log SET actor = 'x'")]
    [InlineData("DELETE FROM audit.audit_log")]
    [InlineData("TRUNCATE audit.audit_log")]
    [InlineData("DROP TABLE audit.audit_log")]
    [InlineData("ALTER TABLE audit.audit_log OWNER TO luckygas")]
    [InlineData("ALTER TABLE audit.audit_log DISABLE TRIGGER ALL")]
    [InlineData("SET ROLE luckygas_audit")]
    public async Task ApplicationRole_CannotChangeTheLog(string statement)
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        await using var connection = new NpgsqlConnection(fixture.Platform.ThroughPgBouncer());
        await connection.OpenAsync(cancellationToken);

        var exception = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, statement, cancellationToken));

        Assert.True(exception.SqlState is PostgresErrorCodes.InsufficientPrivilege,
            $"'{statement}' failed with {exception.SqlState} {exception.MessageText} instead of a privilege error.");
    }

    [Fact]
    public async Task ApplicationRole_CannotGrantItselfChanges()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        await using var connection = new NpgsqlConnection(fixture.Platform.ThroughPgBouncer());
        await connection.OpenAsync(cancellationToken);

        // PostgreSQL responds to a GRANT without grant option with a warning and grants nothing.
        await ExecuteAsync(connection, "GRANT UPDATE, DELETE, TRUNCATE ON audit.audit_log TO luckygas", cancellationToken);
        foreach (var privilege in (string[])["UPDATE", "DELETE", "TRUNCATE"])
        {
            await using var check = new NpgsqlCommand(
                $"SELECT has_table_privilege('audit.audit_log', '{privilege}')", connection);
            Assert.False((bool)(await check.ExecuteScalarAsync(cancellationToken))!, $"luckygas has {privilege} on the audit log.");
        }

        foreach (var privilege in (string[])["INSERT", "SELECT"])
        {
            await using var check = new NpgsqlCommand(
                $"SELECT has_table_privilege('audit.audit_log', '{privilege}')", connection);
            Assert.True((bool)(await check.ExecuteScalarAsync(cancellationToken))!, $"luckygas lacks {privilege} on the audit log.");
        }
    }

    private async Task<HttpClient> AdminClientAsync(CancellationToken cancellationToken)
    {
        var token = await SecurityClients.AdminTokenAsync(fixture.Platform, cancellationToken);
        var client = fixture.Platform.App.CreateHttpClient("api-2", "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    // Commits the change as the superuser, as someone editing the table with psql would, after
    // keeping the row in the session's temporary table 'original', so that the test can restore it
    // and leave the shared platform's chain intact.
    private async Task<NpgsqlConnection> TamperAsync(long id, string change, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(await PrimarySuperuserAsync(cancellationToken));
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection,
            $"CREATE TEMPORARY TABLE original AS SELECT * FROM audit.audit_log WHERE id = {id}", cancellationToken);
        await ExecuteAsync(connection, change, cancellationToken);
        return connection;
    }

    private static async Task<JsonElement> VerifyAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/admin/audit/verify", cancellationToken));
        return document.RootElement.Clone();
    }

    private async Task<long> MiddleRowIdAsync(CancellationToken cancellationToken)
    {
        var superuser = await PrimarySuperuserAsync(cancellationToken);
        var last = await PlatformConnections.ScalarAsync<long>(superuser, "SELECT max(id) FROM audit.audit_log", cancellationToken);
        Assert.True(last >= 3, $"The audit log has only {last} rows.");
        return last / 2;
    }

    private async Task<string> PrimarySuperuserAsync(CancellationToken cancellationToken)
    {
        foreach (var node in PlatformConnections.PostgresNodes)
        {
            var connectionString = fixture.Platform.Superuser(node, "luckygas");
            try
            {
                if (!await PlatformConnections.ScalarAsync<bool>(connectionString, "SELECT pg_is_in_recovery()", cancellationToken))
                {
                    return connectionString;
                }
            }
            catch (NpgsqlException)
            {
                // A stopped node; try the next.
            }
        }

        throw new InvalidOperationException("No PostgreSQL node answers as the primary.");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
