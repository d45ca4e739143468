using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>The response headers that tell browsers how to treat every response of an application.</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>
    /// The <c>Content-Security-Policy</c> of every response whose path has no entry in
    /// <see cref="PathPolicies"/>. <c>{host}</c> is replaced by the request's host and port.
    /// </summary>
    public string ContentSecurityPolicy { get; set; } = ContentSecurityPolicies.Api;

    /// <summary>Policies for paths under a prefix, such as an API reference page that needs its own scripts.</summary>
    public IDictionary<PathString, string> PathPolicies { get; } = new Dictionary<PathString, string>();

    /// <summary>The <c>Strict-Transport-Security</c> value, sent only on HTTPS requests.</summary>
    public string StrictTransportSecurity { get; set; } = "max-age=31536000; includeSubDomains";
}

/// <summary>Content security policies of the platform's applications.</summary>
public static class ContentSecurityPolicies
{
    /// <summary>
    /// A JSON API loads nothing: no scripts, styles, frames or forms, and no page may frame it.
    /// </summary>
    public const string Api =
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// The OpenAPI reference page (Scalar 2.x): its scripts, styles and fonts come from its own
    /// route, and it configures itself with one inline module script, so inline scripts are allowed
    /// there only. It fetches the OpenAPI document from the same origin.
    /// </summary>
    public const string ApiReference =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>
    /// A Blazor Web App with interactive server rendering and MudBlazor: scripts only from the
    /// application itself, inline styles because MudBlazor sets <c>style</c> attributes, images
    /// from the application and <c>data:</c> URLs, and the circuit's WebSocket to the same host.
    /// </summary>
    /// <remarks>
    /// <c>ws:</c> and <c>wss:</c> to the request's own host are listed explicitly, because only
    /// CSP Level 3 browsers let <c>'self'</c> match WebSocket URLs.
    /// NOTE: Blazor's <c>ImportMap</c> component renders an inline import map script, which
    /// <c>script-src 'self'</c> blocks; a page that uses it needs that script's hash in the policy.
    /// </remarks>
    public const string BlazorServer =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self' ws://{host} wss://{host}; object-src 'none'; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
}

/// <summary>Adds the platform's security headers to every response, errors included.</summary>
public static partial class SecurityHeadersExtensions
{
    /// <summary>Framework and server headers that reveal what software answers, removed from every response.</summary>
    private static readonly string[] RevealingHeaders = ["Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"];

    /// <summary>
    /// Stops Kestrel from sending its <c>Server</c> header, which names the server software.
    /// </summary>
    public static IServiceCollection RemoveServerHeader(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

    /// <summary>
    /// Sets <c>Content-Security-Policy</c>, <c>X-Content-Type-Options</c>, <c>X-Frame-Options</c>,
    /// <c>Referrer-Policy</c>, <c>Permissions-Policy</c>, <c>Cross-Origin-Opener-Policy</c> and, on
    /// HTTPS, <c>Strict-Transport-Security</c> on every response. Call it right after
    /// <see cref="Extensions.UseInstanceHeader"/>, before the exception handler.
    /// </summary>
    /// <remarks>
    /// The headers are written when the response starts, so a response that an exception handler
    /// or status code page rewrote, after clearing the headers, still gets them. Whether a request
    /// is HTTPS is decided after forwarded headers, so the forwarded-headers middleware must run
    /// before this one for the edge's HTTPS to count.
    /// </remarks>
    public static IApplicationBuilder UseSecurityHeaders(
        this IApplicationBuilder app, Action<SecurityHeadersOptions>? configure = null)
    {
        var options = new SecurityHeadersOptions();
        configure?.Invoke(options);
        var pathPolicies = options.PathPolicies.ToArray();

        return app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                WriteHeaders(context, options, pathPolicies);
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    private static void WriteHeaders(
        HttpContext context, SecurityHeadersOptions options, KeyValuePair<PathString, string>[] pathPolicies)
    {
        var headers = context.Response.Headers;
        foreach (var name in RevealingHeaders)
        {
            headers.Remove(name);
        }

        var policy = options.ContentSecurityPolicy;
        foreach (var (prefix, pathPolicy) in pathPolicies)
        {
            if (context.Request.Path.StartsWithSegments(prefix))
            {
                policy = pathPolicy;
                break;
            }
        }

        headers.ContentSecurityPolicy = ExpandHost(policy, context.Request.Host);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";

        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = options.StrictTransportSecurity;
        }
    }

    // The Host header comes from the client: only a plain host name or address with an optional
    // port goes into the policy, so that a crafted Host cannot add sources to it. Sources naming
    // any other host are left out.
    private static string ExpandHost(string policy, HostString host)
    {
        if (!policy.Contains("{host}", StringComparison.Ordinal))
        {
            return policy;
        }

        if (host.HasValue && HostPattern().IsMatch(host.Value))
        {
            return policy.Replace("{host}", host.Value, StringComparison.Ordinal);
        }

        return string.Join(' ', policy.Split(' ').Where(source => !source.Contains("{host}", StringComparison.Ordinal)));
    }

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")]
    private static partial Regex HostPattern();
}
