using Npgsql;

namespace LuckyGas.Api.Data;

/// <summary>
/// Makes <c>audit.audit_log</c> append-only for the application role: after it, the role may
/// INSERT and SELECT but not UPDATE, DELETE or TRUNCATE, and cannot grant itself those rights.
/// </summary>
/// <remarks>
/// <para>
/// The application role (<c>luckygas</c>) owns the database and every table it migrates. An owner
/// can always grant itself any right on its table and, as owner of a schema, drop any table in it,
/// so revoking rights from the owner proves nothing. This step therefore hands the <c>audit</c>
/// schema and the table to <see cref="OwnerRole"/>, a role that cannot log in and of which the
/// application role is not a member, and grants the application role USAGE on the schema and
/// INSERT and SELECT on the table.
/// </para>
/// <para>
/// Changing an owner to a role one is not a member of takes a superuser, so the migrator runs
/// this step on a second connection as the cluster's superuser, which the API instances never
/// get. It is idempotent and runs after every migration. A later migration that alters the audit
/// table must therefore run as a superuser or the owner role too.
/// </para>
/// </remarks>
public static partial class AuditLogPrivileges
{
    /// <summary>The role that owns the audit schema and table. It has no login.</summary>
    public const string OwnerRole = "luckygas_audit";

    /// <summary>The configuration key of the superuser connection string for this step.</summary>
    public const string ConnectionName = "luckygas-admin";

    // An arbitrary constant that identifies this step's lock among the database's advisory locks.
    private const long PrivilegesLockKey = 0x4C47417564697432;

    /// <summary>
    /// Creates <see cref="OwnerRole"/> if missing, hands it the audit schema and table, and leaves
    /// <paramref name="applicationRole"/> USAGE on the schema and INSERT and SELECT on the table.
    /// </summary>
    public static async Task ApplyAsync(
        string superuserConnectionString, string applicationRole, ILogger logger, CancellationToken cancellationToken)
    {
        var owner = Quote(OwnerRole);
        var application = Quote(applicationRole);
        // The transaction-scoped lock makes concurrent migrators apply this one after another.
        var sql = $"""
            BEGIN;
            SELECT pg_advisory_xact_lock({PrivilegesLockKey});
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN
                CREATE ROLE {owner} NOLOGIN;
              END IF;
            END $$;
            ALTER SCHEMA audit OWNER TO {owner};
            ALTER TABLE audit.audit_log OWNER TO {owner};
            REVOKE ALL ON SCHEMA audit FROM PUBLIC, {application};
            REVOKE ALL ON audit.audit_log FROM PUBLIC, {application};
            GRANT USAGE ON SCHEMA audit TO {application};
            GRANT SELECT, INSERT ON audit.audit_log TO {application};
            COMMIT;
            """;

        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        LogApplied(logger, OwnerRole, applicationRole);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [LoggerMessage(EventId = 2010, EventName = "AuditLogPrivilegesApplied", Level = LogLevel.Information,
        Message = "The audit log belongs to {OwnerRole}; {ApplicationRole} may insert and select only")]
    private static partial void LogApplied(ILogger logger, string ownerRole, string applicationRole);

    [LoggerMessage(EventId = 2011, EventName = "AuditLogPrivilegesSkipped", Level = LogLevel.Error,
        Message = "The connection string {ConnectionName} is missing, so the audit log still belongs to the " +
            "application role, which can change or delete its rows. Start the migrator from the AppHost, which provides it")]
    public static partial void LogSkipped(ILogger logger, string connectionName);
}
