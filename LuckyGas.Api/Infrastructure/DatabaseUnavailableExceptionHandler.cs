using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace LuckyGas.Api.Infrastructure;

/// <summary>
/// Turns a request that failed because PostgreSQL was unreachable for a moment, such as during a
/// failover, into a 503 problem with <c>Retry-After</c>, instead of a 500.
/// </summary>
/// <remarks>
/// A write whose transaction was cut off by the crash of the primary may or may not have committed,
/// so clients retry creates with the same <c>Idempotency-Key</c>. On a read-only transaction error
/// (SQLSTATE 25006), which means a pooled connection reached a node that is now a standby, every
/// Npgsql pool is cleared so that the next request opens fresh connections.
/// </remarks>
internal sealed partial class DatabaseUnavailableExceptionHandler(
    IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    // repmgr confirms a dead primary and promotes a standby within a few seconds.
    private const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var database = FindDatabaseFailure(exception);
        if (database is null)
        {
            return false;
        }

        if (database is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction })
        {
            NpgsqlConnection.ClearAllPools();
        }

        LogUnavailable(logger, database, context.Request.Method, context.Request.Path.Value);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable for a moment.",
                Detail = $"Retry after {RetryAfterSeconds} s. Send order creates again with the same Idempotency-Key, "
                    + "so that an order that was committed is not created twice.",
            },
        });
    }

    /// <summary>Returns the Npgsql exception in the chain when it means the server was unreachable or failing over.</summary>
    private static NpgsqlException? FindDatabaseFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException npgsql && (npgsql.IsTransient || IsFailoverState(npgsql)))
            {
                return npgsql;
            }
        }

        return null;
    }

    /// <summary>
    /// Returns whether the error means the primary is gone or not yet reachable. pgBouncer reports
    /// its own failures, such as <c>server_login_retry</c> while the old primary refuses logins, in
    /// SQLSTATE class 08 (connection exception), which Npgsql does not count as transient.
    /// </summary>
    private static bool IsFailoverState(NpgsqlException exception) => exception is PostgresException postgres &&
        (postgres.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow ||
         postgres.SqlState.StartsWith("08", StringComparison.Ordinal));

    [LoggerMessage(EventId = 4410, EventName = "DatabaseUnavailable", Level = LogLevel.Warning,
        Message = "{Method} {Path} failed because PostgreSQL was unavailable; answered 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string? path);
}
