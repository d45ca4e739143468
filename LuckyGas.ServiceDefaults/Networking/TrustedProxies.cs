using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Applies <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> only on connections whose direct
/// peer is one of the addresses in <see cref="ConfigurationKey"/>.
/// </summary>
public static class TrustedProxies
{
    /// <summary>
    /// The configuration key of the trusted proxy addresses, comma-separated, such as
    /// <c>127.0.0.2</c>. Empty or missing means that no peer is trusted and the headers are ignored.
    /// </summary>
    public const string ConfigurationKey = "LuckyGas:TrustedProxies";

    /// <summary>
    /// Configures <see cref="ForwardedHeadersOptions"/> to trust only the configured proxies, and
    /// runs the forwarded headers middleware before every other middleware of the application.
    /// </summary>
    /// <exception cref="InvalidOperationException">An entry of the setting is not an IP address.</exception>
    public static TBuilder AddTrustedProxies<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var proxies = Parse(builder.Configuration[ConfigurationKey]);

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The defaults trust loopback, which every local client shares here.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            // Only the entry that the trusted proxy appended is used; entries before it came from
            // the client and may be forged.
            options.ForwardLimit = 1;
        });

        builder.Services.AddTransient<IStartupFilter, ForwardedHeadersStartupFilter>();
        return builder;
    }

    /// <summary>Parses a comma-separated list of IP addresses.</summary>
    /// <exception cref="InvalidOperationException">An entry is not an IP address.</exception>
    public static IReadOnlyList<IPAddress> Parse(string? value)
    {
        var addresses = new List<IPAddress>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPAddress.TryParse(entry, out var address))
            {
                throw new InvalidOperationException(
                    $"{ConfigurationKey} contains '{entry}', which is not an IP address. " +
                    "Set it to comma-separated addresses such as 127.0.0.2, or leave it empty to trust no proxy.");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    // A startup filter wraps the whole pipeline that Program.cs builds, so the client address is
    // resolved before logging, rate limiting or authentication read it.
    private sealed class ForwardedHeadersStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseForwardedHeaders();
            next(app);
        };
    }
}
