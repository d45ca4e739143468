using System.Globalization;
using LuckyGas.AppHost.Hosting;

namespace LuckyGas.AppHost.Edge;

/// <summary>
/// Writes the server certificate's expiry for node_exporter's textfile collector, which reads
/// <c>node-exporter/</c> in the state folder.
/// </summary>
public static class EdgeCertificateMetric
{
    /// <summary>The metric name.</summary>
    public const string Name = "luckygas_edge_certificate_expiry_timestamp_seconds";

    /// <summary>The file name inside the collector's folder.</summary>
    public const string FileName = "edge-certificate.prom";

    /// <summary>
    /// Writes <see cref="Name"/> with <paramref name="expiry"/> as Unix seconds. The file is
    /// replaced by a rename, so the collector never reads half of it.
    /// </summary>
    public static void Write(StateDirectory state, DateTimeOffset expiry)
    {
        var directory = state.Combine("node-exporter");
        Directory.CreateDirectory(directory);

        var text = string.Create(CultureInfo.InvariantCulture, $"""
            # HELP {Name} Unix time at which the edge's TLS server certificate expires.
            # TYPE {Name} gauge
            {Name} {expiry.ToUnixTimeSeconds()}

            """);
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite |
            UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, path, overwrite: true);
    }
}
