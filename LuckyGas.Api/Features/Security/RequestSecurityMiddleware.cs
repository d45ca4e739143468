using System.Globalization;
using LuckyGas.Api.Features.Audit;
using LuckyGas.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LuckyGas.Api.Features.Security;

/// <summary>
/// Rejects blocked clients (403), path traversal (400) and bodies over the endpoint's limit (413),
/// and scores suspicious requests and 401/403/404 responses per client address.
/// </summary>
/// <remarks>
/// The client address is <c>Connection.RemoteIpAddress</c>, which the forwarded-headers middleware
/// sets from <c>X-Forwarded-For</c> only for the trusted edge proxy, so this middleware must run
/// after it. It runs before authentication, so blocked clients cost no token check.
/// </remarks>
public sealed partial class RequestSecurityMiddleware(
    RequestDelegate next,
    ClientBlocklist blocklist,
    IAuditLog audit,
    SecurityMetrics metrics,
    IProblemDetailsService problems,
    IOptionsMonitor<SecurityOptions> options,
    TimeProvider clock,
    ILogger<RequestSecurityMiddleware> logger)
{
    /// <summary>Checks the request, calls the rest of the pipeline and scores the response.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var clientIp = ClientAddress(context);
        var scored = !blocklist.IsExempt(clientIp);

        if (scored && await blocklist.GetBlockAsync(clientIp) is { } existing)
        {
            await WriteBlockedAsync(context, existing);
            return;
        }

        if (IsTraversal(context))
        {
            await RejectTraversalAsync(context, clientIp, scored);
            return;
        }

        if (await InspectSuspiciousPatternsAsync(context, clientIp, scored) is { } newBlock)
        {
            await WriteBlockedAsync(context, newBlock);
            return;
        }

        var limit = RequestBodyLimits.For(context);
        if (context.Request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        var body = new LimitedRequestStream(context.Request.Body, limit);
        context.Request.Body = body;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge
            && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        // The framework catches body read errors while binding and may respond with 400 or an empty 200.
        if (body.Exceeded && !context.Response.HasStarted)
        {
            await WriteTooLargeAsync(context, limit);
            return;
        }

        if (scored && context.Response.StatusCode is 401 or 403 or 404)
        {
            metrics.RecordSuspiciousEvent(SuspiciousKinds.ErrorResponse);
            var result = await blocklist.AddScoreAsync(clientIp, options.CurrentValue.ErrorResponsePoints,
                $"{SuspiciousKinds.ErrorResponse}:{context.Response.StatusCode}");
            await AuditBlockAsync(result.Block, context.RequestAborted);
        }
    }

    /// <summary>Returns the client's address in its usual text form, IPv4-mapped IPv6 addresses as IPv4.</summary>
    public static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private static bool IsTraversal(HttpContext context)
    {
        // Kestrel removes dot segments from Request.Path, so the raw target is what shows the attempt.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value;
        if (PathTraversalDetector.IsTraversal(rawTarget))
        {
            return true;
        }

        foreach (var (_, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                if (PathTraversalDetector.IsTraversal(value))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private async Task RejectTraversalAsync(HttpContext context, string clientIp, bool scored)
    {
        metrics.RecordSuspiciousEvent(SuspiciousKinds.Traversal);
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        LogTraversalRejected(logger, clientIp, target);

        await audit.WriteAsync(new AuditEvent(
            AuditEventKinds.TraversalRejected,
            Callers.Identify(context.User),
            clientIp,
            Details: new Dictionary<string, string?> { ["method"] = context.Request.Method, ["target"] = target }),
            context.RequestAborted);

        if (scored)
        {
            var result = await blocklist.AddScoreAsync(clientIp, options.CurrentValue.TraversalPoints, SuspiciousKinds.Traversal);
            await AuditBlockAsync(result.Block, context.RequestAborted);
        }

        await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Path traversal rejected.",
            "The path or a query value contains a '..' segment after decoding. " +
            "Request resources by their documented paths and ids.");
    }

    // Exempt clients are audited like any other, but never scored.
    private async Task<ClientBlock?> InspectSuspiciousPatternsAsync(HttpContext context, string clientIp, bool scored)
    {
        var kinds = SuspiciousPatterns.Inspect(context.Request);
        ClientBlock? block = null;
        foreach (var kind in kinds)
        {
            metrics.RecordSuspiciousEvent(kind);
            var points = kind switch
            {
                SuspiciousKinds.SqlInjection => options.CurrentValue.SqlInjectionPoints,
                SuspiciousKinds.ScriptInjection => options.CurrentValue.ScriptInjectionPoints,
                _ => options.CurrentValue.ScannerPoints,
            };

            if (await blocklist.IsFirstNoticeAsync(clientIp, kind))
            {
                await audit.WriteAsync(new AuditEvent(
                    AuditEventKinds.SuspiciousRequest,
                    Callers.Identify(context.User),
                    clientIp,
                    Details: new Dictionary<string, string?>
                    {
                        ["kind"] = kind,
                        ["method"] = context.Request.Method,
                        ["path"] = context.Request.Path.Value,
                    }),
                    context.RequestAborted);
            }

            if (!scored)
            {
                continue;
            }

            var result = await blocklist.AddScoreAsync(clientIp, points, kind);
            if (result.Block is not null)
            {
                await AuditBlockAsync(result.Block, context.RequestAborted);
                block = result.Block;
            }
        }

        return block;
    }

    private async Task AuditBlockAsync(ClientBlock? block, CancellationToken cancellationToken)
    {
        if (block is null)
        {
            return;
        }

        await audit.WriteAsync(new AuditEvent(
            AuditEventKinds.ClientBlocked,
            "system",
            block.ClientIp,
            block.ClientIp,
            new Dictionary<string, string?>
            {
                ["reason"] = block.Reason,
                ["score"] = block.Score.ToString(CultureInfo.InvariantCulture),
                ["expiresAt"] = block.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            }),
            cancellationToken);
    }

    private Task WriteBlockedAsync(HttpContext context, ClientBlock block)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling((block.ExpiresAt - clock.GetUtcNow()).TotalSeconds));
        return WriteProblemAsync(context, StatusCodes.Status403Forbidden, "Client blocked.",
            $"Requests from {block.ClientIp} are blocked until {block.ExpiresAt:O} after repeated suspicious " +
            "requests. Wait until then, or ask an administrator to lift the block.",
            headers => headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture));
    }

    private Task WriteTooLargeAsync(HttpContext context, long limit)
    {
        // The rest of the body is not read, so the connection cannot be reused.
        return WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.",
            $"This endpoint accepts a request body of at most {limit} bytes. Send a smaller body.",
            headers => headers.Connection = "close");
    }

    private async Task WriteProblemAsync(
        HttpContext context, int status, string title, string detail, Action<IHeaderDictionary>? headers = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        headers?.Invoke(context.Response.Headers);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(EventId = 6010, EventName = "TraversalRejected", Level = LogLevel.Warning,
        Message = "Rejected a path traversal attempt from {ClientIp}: {Target}")]
    private static partial void LogTraversalRejected(ILogger logger, string clientIp, string target);
}
