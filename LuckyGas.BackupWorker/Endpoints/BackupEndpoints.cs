using Microsoft.AspNetCore.Http.HttpResults;

namespace LuckyGas.BackupWorker.Endpoints;

/// <summary>The worker's HTTP endpoints, for administrators only.</summary>
public static class BackupEndpoints
{
    /// <summary>The authorization policy: a staff bearer token with the Admin role.</summary>
    public const string AdminPolicy = "Admin";

    /// <summary>
    /// Maps <c>POST /backups</c> (start a backup), <c>POST /backups/verify-latest</c> (verify the
    /// newest good backup) and <c>GET /backups/runs/{id}</c> (a run's state). Both POSTs return
    /// 202 with the run; while a run is in progress they return that run instead of a new one.
    /// </summary>
    public static IEndpointRouteBuilder MapBackupEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/backups").RequireAuthorization(AdminPolicy);
        group.MapPost("/", (BackupRunner runner, IHostApplicationLifetime lifetime) =>
            Accepted(runner.Start(BackupRunKind.Backup, BackupTrigger.Request, lifetime.ApplicationStopping)));
        group.MapPost("/verify-latest", (BackupRunner runner, IHostApplicationLifetime lifetime) =>
            Accepted(runner.Start(BackupRunKind.VerifyLatest, BackupTrigger.Request, lifetime.ApplicationStopping)));
        group.MapGet("/runs/{id}", Results<Ok<BackupRun>, ProblemHttpResult> (string id, BackupRunner runner) =>
            runner.Find(id) is { } run
                ? TypedResults.Ok(run)
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The backup run was not found.",
                    detail: $"No run has id {id}. Runs are kept in memory until the worker restarts."));
        return app;
    }

    private static Accepted<BackupRun> Accepted(BackupRun run) => TypedResults.Accepted($"/backups/runs/{run.Id}", run);
}
