using System.Net;
using System.Security.Claims;
using LuckyGas.Api.Data;
using LuckyGas.Api.Features.Audit;
using LuckyGas.Api.Features.Auth;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LuckyGas.Api.Features.Security;

/// <summary>An audit log row as the API returns it.</summary>
public sealed record AuditEntryResponse(
    long Id, DateTimeOffset OccurredAt, string Kind, string Actor, string? ClientIp, string? Subject,
    string Details, string PreviousHash, string Hash);

/// <summary>The administrators' security endpoints: blocks, the audit log and its verification.</summary>
public static partial class SecurityEndpoints
{
    /// <summary>The maximum number of audit rows one list request returns.</summary>
    public const int MaxAuditPageSize = 500;

    /// <summary>Maps the endpoints under <c>/api/v1/admin</c>, each requiring the <see cref="Policies.Admin"/> policy.</summary>
    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(Policies.Admin);

        admin.MapGet("/blocks", ListBlocksAsync)
            .WithName("ListClientBlocks")
            .WithSummary("List the blocked client addresses with the reason and when each block ends.");
        admin.MapDelete("/blocks/{ip}", UnblockAsync)
            .WithName("LiftClientBlock")
            .WithSummary("Lift the block of a client address on every API instance and clear its score.");
        admin.MapGet("/audit", ListAuditAsync)
            .WithName("ListAuditEvents")
            .WithSummary("List audit events, newest first. Filter by kind; page back with beforeId.");
        admin.MapGet("/audit/verify", VerifyAuditAsync)
            .WithName("VerifyAuditLog")
            .WithSummary("Walk the hash chain of the audit log and report the first missing or altered row.");

        return app;
    }

    /// <summary>Lists current blocks, or 503 when Redis is unavailable.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ClientBlock>>, ProblemHttpResult>> ListBlocksAsync(
        ClientBlocklist blocklist, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await blocklist.ListAsync(cancellationToken));
        }
        catch (Exception exception) when (ClientBlocklist.IsRedisFailure(exception))
        {
            return RedisUnavailable(exception);
        }
    }

    /// <summary>Lifts a block: 204 when one existed, 404 when the address is not blocked, 400 for an invalid address.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> UnblockAsync(
        string ip, ClaimsPrincipal principal, HttpContext context, ClientBlocklist blocklist, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(ip, out var address))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["ip"] = [$"'{ip}' is not an IPv4 or IPv6 address, such as 203.0.113.7."] },
                title: "The request has invalid fields.");
        }

        var clientIp = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        bool lifted;
        try
        {
            lifted = await blocklist.UnblockAsync(clientIp);
        }
        catch (Exception exception) when (ClientBlocklist.IsRedisFailure(exception))
        {
            return RedisUnavailable(exception);
        }

        if (!lifted)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Block not found.",
                detail: $"The address {clientIp} is not blocked. GET /api/v1/admin/blocks lists the blocked addresses.");
        }

        await audit.WriteAsync(new AuditEvent(AuditEventKinds.ClientUnblocked, Callers.Identify(principal),
            RequestSecurityMiddleware.ClientAddress(context), clientIp), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Lists audit rows newest first, at most <paramref name="limit"/>, before <paramref name="beforeId"/> if given.</summary>
    public static async Task<Results<Ok<List<AuditEntryResponse>>, ValidationProblem>> ListAuditAsync(
        string? kind, long? beforeId, int? limit, WriteDbContext database, CancellationToken cancellationToken)
    {
        var pageSize = limit ?? 100;
        if (pageSize is < 1 or > MaxAuditPageSize)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"limit must be 1 to {MaxAuditPageSize}, but it is {pageSize}."] },
                title: "The request has invalid fields.");
        }

        var query = database.AuditLog.AsNoTracking();
        if (!string.IsNullOrEmpty(kind))
        {
            query = query.Where(entry => entry.Kind == kind);
        }

        if (beforeId is not null)
        {
            query = query.Where(entry => entry.Id < beforeId);
        }

        var entries = await query.OrderByDescending(entry => entry.Id).Take(pageSize)
            .Select(entry => new AuditEntryResponse(entry.Id, entry.OccurredAt, entry.Kind, entry.Actor, entry.ClientIp,
                entry.Subject, entry.Details, entry.PreviousHash, entry.Hash))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries);
    }

    /// <summary>Verifies the chain on the primary and records that an administrator did so.</summary>
    public static async Task<Ok<AuditVerification>> VerifyAuditAsync(
        ClaimsPrincipal principal, HttpContext context, AuditVerifier verifier, IAuditLog audit,
        CancellationToken cancellationToken)
    {
        var result = await verifier.VerifyAsync(cancellationToken);
        await audit.WriteAsync(new AuditEvent(AuditEventKinds.AuditVerified, Callers.Identify(principal),
            RequestSecurityMiddleware.ClientAddress(context),
            Details: new Dictionary<string, string?>
            {
                ["intact"] = result.Intact ? "true" : "false",
                ["rowsChecked"] = result.RowsChecked.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["firstBreak"] = result.FirstBreak?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
        return TypedResults.Ok(result);
    }

    private static ProblemHttpResult RedisUnavailable(Exception exception) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Block list unavailable.",
        detail: $"Redis, which holds the block list, did not respond ({exception.GetType().Name}). Try again shortly.");
}
