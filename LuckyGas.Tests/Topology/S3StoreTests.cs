using System.Security.Cryptography;
using Amazon.S3.Model;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Topology;

[Collection(SharedPlatform.Name)]
public sealed class S3StoreTests(PlatformFixture fixture)
{
    [Fact]
    public async Task PutObject_GetReturnsSameBytes()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(1));
        using var client = fixture.Platform.S3Client();
        var content = RandomNumberGenerator.GetBytes(256 * 1024);
        var key = $"probe/{Guid.NewGuid()}.bin";

        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "luckygas-backups",
            Key = key,
            InputStream = new MemoryStream(content),
            // s3rver stores an aws-chunked body as it arrives, signatures and all.
            UseChunkEncoding = false,
        }, cancellationToken);

        using var response = await client.GetObjectAsync("luckygas-backups", key, cancellationToken);
        using var received = new MemoryStream();
        await response.ResponseStream.CopyToAsync(received, cancellationToken);

        Assert.Equal(content, received.ToArray());
    }
}
