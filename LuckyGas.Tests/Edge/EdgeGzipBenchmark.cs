using System.Globalization;
using System.IO.Compression;
using System.Net;
using LuckyGas.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LuckyGas.Tests.Edge;

/// <summary>
/// Measures response bytes of large JSON bodies through the edge with and without gzip.
/// <c>bench/edge-gzip.sh</c> runs it and prints the figures it writes to
/// <c>LUCKYGAS_BENCH_OUTPUT</c>; in the suite it runs as a test of the ratio.
/// </summary>
[Collection(SharedPlatform.Name)]
[Trait("Category", "EdgeBenchmark")]
public sealed class EdgeGzipBenchmark(PlatformFixture fixture, ITestOutputHelper output)
{
    private const string PublicPath = "/openapi/v1.json";
    private const string ListPath = "/api/v1/customers?pageSize=100";

    [Fact]
    public async Task JsonBodies_WithAndWithoutGzip_PrintsBytes()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        var platform = fixture.Platform;
        using var client = EdgeClients.Create(platform);
        var token = await EdgeClients.SignInAsync(client, platform, cancellationToken);

        var publicIdentity = await ReadBytesAsync(client, PublicPath, null, gzip: false, cancellationToken);
        var publicGzip = await ReadBytesAsync(client, PublicPath, null, gzip: true, cancellationToken);
        var listIdentity = await ReadBytesAsync(client, ListPath, token, gzip: false, cancellationToken);
        var listAsSent = await ReadBytesAsync(client, ListPath, token, gzip: true, cancellationToken);
        var listGzipEstimate = GzipLength(listIdentity.Body);

        var figures = string.Create(CultureInfo.InvariantCulture, $"""
            public JSON, GET {PublicPath}: {publicIdentity.Body.Length} bytes without gzip, {publicGzip.Body.Length} bytes with gzip (edge, level 5), ratio {Ratio(publicIdentity, publicGzip.Body.Length):F2}
            authenticated list, GET {ListPath}: {listIdentity.Body.Length} bytes without gzip, {listAsSent.Body.Length} bytes sent when the client accepts gzip (the edge does not compress it), {listGzipEstimate} bytes if gzipped (.NET GZipStream at Optimal, an estimate), ratio {Ratio(listIdentity, listGzipEstimate):F2}
            """);
        output.WriteLine(figures);
        if (Environment.GetEnvironmentVariable("LUCKYGAS_BENCH_OUTPUT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, figures + "\n", cancellationToken);
        }

        Assert.Equal("gzip", publicGzip.Encoding);
        Assert.True(Ratio(publicIdentity, publicGzip.Body.Length) > 2,
            $"gzip made the public document only {Ratio(publicIdentity, publicGzip.Body.Length):F2} times smaller.");
        Assert.Null(listAsSent.Encoding);
        Assert.Equal(listIdentity.Body.Length, listAsSent.Body.Length);
    }

    private static async Task<(byte[] Body, string? Encoding)> ReadBytesAsync(
        HttpClient client, string path, string? token, bool gzip, CancellationToken cancellationToken)
    {
        using var request = token is null
            ? new HttpRequestMessage(HttpMethod.Get, path)
            : EdgeClients.Authorized(HttpMethod.Get, path, token);
        if (gzip)
        {
            request.Headers.AcceptEncoding.ParseAdd("gzip");
        }

        using var response = await client.SendAsync(request, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentEncoding.SingleOrDefault());
    }

    private static int GzipLength(byte[] body)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return (int)compressed.Length;
    }

    private static double Ratio((byte[] Body, string? Encoding) identity, int compressedLength) =>
        (double)identity.Body.Length / compressedLength;
}
