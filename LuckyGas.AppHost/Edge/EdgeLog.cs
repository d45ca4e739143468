using Microsoft.Extensions.Logging;

namespace LuckyGas.AppHost.Edge;

/// <summary>The edge's log messages.</summary>
internal static partial class EdgeLog
{
    [LoggerMessage(EventId = 5100, EventName = "EdgeCertificateAuthority", Level = LogLevel.Information,
        Message = "The edge serves https://localhost:{HttpsPort}/ with a certificate from the local CA {AuthorityPath}, valid until {Expiry:O}. "
            + "Trust that CA to browse without warnings; see the README's Edge section")]
    public static partial void CertificateAuthority(ILogger logger, int httpsPort, string authorityPath, DateTimeOffset expiry);
}
