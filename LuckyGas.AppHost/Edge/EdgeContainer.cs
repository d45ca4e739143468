using System.Globalization;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Edge;

/// <summary>Adds the edge as a container for publish mode.</summary>
public static class EdgeContainer
{
    /// <summary>The port nginx serves HTTPS on inside its container.</summary>
    public const int HttpsContainerPort = 8443;

    /// <summary>The port nginx serves the health probe and the redirect on inside its container.</summary>
    public const int HttpContainerPort = 8080;

    /// <summary>
    /// The parameter with the server certificate chain: the PEM file's content, base64-encoded so
    /// that it fits on one line of a deployment prompt.
    /// </summary>
    public const string CertificateParameter = "edge-tls-certificate";

    /// <summary>The secret parameter with the certificate's private key, a base64-encoded PEM file.</summary>
    public const string KeyParameter = "edge-tls-key";

    /// <summary>
    /// Adds an <c>edge</c> container built from <c>Edge/Dockerfile</c>, which renders the run-mode
    /// nginx.conf with the certificate from <see cref="CertificateParameter"/> and
    /// <see cref="KeyParameter"/> and one upstream server for the API and one for the web
    /// application, whose replicas the deployment platform balances.
    /// </summary>
    /// <remarks>
    /// The <c>https</c> binding is the only external binding of the manifest, on port 443. The
    /// <c>http</c> binding stays internal: it serves the health probe for the platform, and the
    /// platform's ingress redirects public HTTP to HTTPS (see docs/deployment.md).
    /// </remarks>
    internal static IResourceBuilder<ContainerResource> AddEdgeContainer(
        this IDistributedApplicationBuilder builder, string name,
        IReadOnlyList<IResourceBuilder<ProjectResource>> api, IReadOnlyList<IResourceBuilder<ProjectResource>> web,
        int apiRequestsPerSecond, int apiBurst)
    {
        var certificate = builder.AddParameter(CertificateParameter);
        var key = builder.AddParameter(KeyParameter, secret: true);

        return builder.AddComponentContainer(name, "Edge")
            .WithHttpsEndpoint(port: 443, targetPort: HttpsContainerPort, name: "https")
            .WithEndpoint("https", endpoint => endpoint.IsExternal = true)
            .WithHttpEndpoint(targetPort: HttpContainerPort, name: "http")
            .WithEnvironment("TLS_CERTIFICATE", certificate)
            .WithEnvironment("TLS_KEY", key)
            .WithEnvironment("API_ADDRESS", HostAndPort(api.Single()))
            .WithEnvironment("WEB_ADDRESS", HostAndPort(web.Single()))
            .WithEnvironment("API_REQUESTS_PER_SECOND", apiRequestsPerSecond.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("API_BURST", apiBurst.ToString(CultureInfo.InvariantCulture))
            .WithHttpHealthCheck(EdgeExtensions.HealthPath, endpointName: "http");
    }

    private static ReferenceExpression HostAndPort(IResourceBuilder<ProjectResource> project)
    {
        var endpoint = project.GetEndpoint("http");
        return ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}");
    }
}
