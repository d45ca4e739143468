using System.Globalization;
using LuckyGas.AppHost.Applications;
using LuckyGas.AppHost.Hosting;
using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Edge;

/// <summary>Adds the edge: nginx in front of the API and web instances.</summary>
public static class EdgeExtensions
{
    /// <summary>The resource name.</summary>
    public const string ResourceName = "edge";

    /// <summary>The port record's name of the HTTPS port.</summary>
    public const string HttpsPortName = "edge-https";

    /// <summary>The port record's name of the plain HTTP port, which only redirects.</summary>
    public const string HttpPortName = "edge-http";

    /// <summary>
    /// The probe path, for which nginx itself returns 200 on both ports. It is the only HTTP path
    /// that is not redirected to HTTPS.
    /// </summary>
    public const string HealthPath = "/edge/health";

    /// <summary>
    /// The configuration key of the sustained API requests per second allowed per client
    /// address (default 200).
    /// </summary>
    public const string ApiRequestsPerSecondKey = "Edge:ApiRequestsPerSecond";

    /// <summary>
    /// The configuration key of the API requests a client may send above the sustained rate at
    /// once before the edge returns 429 (default 400).
    /// </summary>
    public const string ApiBurstKey = "Edge:ApiBurst";

    // Every client on one machine shares 127.0.0.1, so the defaults leave room for load tests and
    // several browser sessions; the API's per-key limits are the finer control.
    private const int DefaultApiRequestsPerSecond = 200;
    private const int DefaultApiBurst = 400;

    /// <summary>
    /// Adds an <c>edge</c> resource that runs nginx with TLS on the <c>https</c> endpoint and a
    /// redirect on the <c>http</c> endpoint, routing <c>/api/</c> to <paramref name="api"/> and
    /// everything else to <paramref name="web"/>. It starts once every instance is healthy and is
    /// healthy while nginx returns 200 for <see cref="HealthPath"/> over HTTPS with the local CA.
    /// </summary>
    /// <remarks>
    /// On the first start the AppHost creates a local certificate authority in
    /// <c>edge-ca/</c> of the state folder and logs its path. nginx runs in the foreground as the
    /// AppHost's user, or as <c>www-data</c> when the AppHost runs as root, on ports from the
    /// port record, which are above 1024 and so need no privilege.
    /// </remarks>
    public static IResourceBuilder<ExecutableResource> AddEdge(
        this IDistributedApplicationBuilder builder, StateDirectory state, PortRegistry ports,
        IReadOnlyList<IResourceBuilder<ProjectResource>> api, IReadOnlyList<IResourceBuilder<ProjectResource>> web)
    {
        var account = EdgeAccount.Detect();
        var directory = state.Combine(ResourceName);
        var httpsPort = ports.GetPort(HttpsPortName);
        var httpPort = ports.GetPort(HttpPortName);
        var configFile = Path.Combine(directory, "nginx.conf");
        var authorityDirectory = state.Combine("edge-ca");
        var apiRate = ReadPositive(ApiRequestsPerSecondKey, builder.Configuration[ApiRequestsPerSecondKey], DefaultApiRequestsPerSecond);
        var apiBurst = ReadPositive(ApiBurstKey, builder.Configuration[ApiBurstKey], DefaultApiBurst);

        // Certificates and the configuration are written just before the resources start, so that
        // publishing the manifest writes nothing into the state folder. The configuration is
        // rendered at every start, unlike the database servers' files, because nginx never
        // rewrites it and the limits may change between runs.
        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
        {
            if (!builder.ExecutionContext.IsRunMode)
            {
                return Task.CompletedTask;
            }

            CreateDirectories(account, directory, authorityDirectory);
            var certificates = EdgeCertificates.Ensure(authorityDirectory, directory, TimeProvider.System);
            account.GiveOwnership(certificates.ServerCertificatePath);
            account.GiveOwnership(certificates.ServerKeyPath);
            EdgeCertificateMetric.Write(state, certificates.ServerExpiry);

            var values = new Dictionary<string, string>
            {
                ["directory"] = directory,
                ["listen_address"] = "127.0.0.1",
                ["https_port"] = Format(httpsPort),
                ["http_port"] = Format(httpPort),
                ["health_path"] = HealthPath,
                ["certificate_path"] = certificates.ServerCertificatePath,
                ["certificate_key_path"] = certificates.ServerKeyPath,
                ["proxy_address"] = TrustedProxy.SourceAddress,
                ["api_rate"] = Format(apiRate),
                ["api_burst"] = Format(apiBurst),
                ["api_servers"] = UpstreamServers(api),
                ["web_servers"] = UpstreamServers(web),
            };
            ConfigTemplate.RenderFile(Path.Combine(builder.AppHostDirectory, "Edge", "nginx.conf"), configFile, values);
            account.GiveOwnership(configFile);

            var logger = startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EdgeExtensions));
            EdgeLog.CertificateAuthority(logger, httpsPort, certificates.AuthorityCertificatePath, certificates.ServerExpiry);
            return Task.CompletedTask;
        });

        builder.Services.AddHealthChecks().Add(new(ResourceName,
            _ => new EdgeHealthCheck(httpsPort, Path.Combine(authorityDirectory, "ca.crt")), failureStatus: null, tags: null));

        var (command, arguments) = EdgeCommand.Run(configFile, account);
        var edge = builder.AddExecutable(ResourceName, command, directory, arguments)
            .WithEndpoint(port: httpsPort, targetPort: httpsPort, scheme: "https", name: "https", isProxied: false)
            .WithEndpoint(port: httpPort, targetPort: httpPort, scheme: "http", name: "http", isProxied: false)
            .WithHealthCheck(ResourceName);

        foreach (var instance in api.Concat(web))
        {
            edge.WaitFor(instance);
        }

        return edge;
    }

    private static void CreateDirectories(EdgeAccount account, string directory, string authorityDirectory)
    {
        // The authority's key stays with the AppHost's user; nginx needs only the server's files.
        Directory.CreateDirectory(authorityDirectory);
        File.SetUnixFileMode(authorityDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite |
            UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        account.CreatePrivateDirectory(directory);
        foreach (var temporary in (string[])["client-body", "proxy", "fastcgi", "uwsgi", "scgi"])
        {
            account.CreatePrivateDirectory(Path.Combine(directory, "temp", temporary));
        }

        account.CreatePrivateDirectory(Path.Combine(directory, "temp"));
    }

    /// <summary>Returns one nginx <c>server</c> line per instance, at the port it listens on.</summary>
    private static string UpstreamServers(IReadOnlyList<IResourceBuilder<ProjectResource>> instances)
    {
        var lines = instances.Select(instance =>
        {
            var endpoint = instance.Resource.Annotations.OfType<EndpointAnnotation>().Single(item => item.Name == "http");
            var port = endpoint.Port ?? throw new DistributedApplicationException(
                $"Resource '{instance.Resource.Name}' has no fixed port, so the edge cannot name it in nginx.conf.");

            // One failure takes an instance out for 5 s; requests meanwhile go to the others.
            return $"        server 127.0.0.1:{Format(port)} max_fails=1 fail_timeout=5s;";
        });
        return string.Join('\n', lines);
    }

    private static int ReadPositive(string key, string? text, int defaultValue)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new DistributedApplicationException(
                $"The configuration value {key}='{text}' is invalid: use a whole number above 0, such as {defaultValue}.");
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
