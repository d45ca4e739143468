using System.Security.Cryptography;
using LuckyGas.BackupWorker.Encryption;

namespace LuckyGas.Tests.Backup;

public sealed class BackupFileFormatTests
{
    private const int ChunkSize = 1024;

    private static readonly BackupKeyRing s_keys = new("current-secret-for-format-tests-0001");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ChunkSize)]
    [InlineData(ChunkSize + 1)]
    [InlineData((3 * ChunkSize) + 512)]
    public async Task RoundTrip_ReturnsSameBytes(int length)
    {
        var plaintext = RandomNumberGenerator.GetBytes(length);

        var encrypted = await EncryptAsync(plaintext, s_keys.Current);

        Assert.Equal(plaintext, await DecryptAsync(encrypted, s_keys));
    }

    [Fact]
    public async Task RoundTrip_WithPreviousKey_Decrypts()
    {
        var oldKeys = new BackupKeyRing("old-secret-for-format-tests-000001");
        var rotated = new BackupKeyRing("new-secret-for-format-tests-000001", ["old-secret-for-format-tests-000001"]);
        var plaintext = RandomNumberGenerator.GetBytes(5000);

        var encrypted = await EncryptAsync(plaintext, oldKeys.Current);

        Assert.Equal(plaintext, await DecryptAsync(encrypted, rotated));
    }

    [Fact]
    public async Task WrongKey_IsRejectedNamingKeyId()
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(5000), s_keys.Current);
        var otherKeys = new BackupKeyRing("some-other-secret-for-format-tests");

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(encrypted, otherKeys));

        Assert.Contains(s_keys.Current.Id, error.Message, StringComparison.Ordinal);
        Assert.Contains("no configured key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(100)]
    [InlineData(2000)]
    [InlineData(-1)]
    public async Task FlippedByte_FailsAuthentication(int offset)
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(3000), s_keys.Current);
        var position = offset >= 0 ? offset : encrypted.Length - 1;
        encrypted[position] ^= 0x01;

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(encrypted, s_keys));

        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlippedHeaderByte_IsRejected()
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(3000), s_keys.Current);
        // The last header byte belongs to the nonce prefix, which no parsing check covers.
        var headerLength = 8 + 2 + s_keys.Current.Id.Length + 4 + 8;
        encrypted[headerLength - 1] ^= 0x80;

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(encrypted, s_keys));

        Assert.Contains("failed authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedAtChunkBoundary_IsRejected()
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(3 * ChunkSize + 10), s_keys.Current);
        var headerLength = 8 + 2 + s_keys.Current.Id.Length + 4 + 8;
        var recordLength = 4 + ChunkSize + 16;
        var truncated = encrypted[..(headerLength + (2 * recordLength))];

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(truncated, s_keys));

        Assert.Contains("without a final chunk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedInsideChunk_IsRejected()
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(3 * ChunkSize + 10), s_keys.Current);

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(encrypted[..^5], s_keys));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendedBytes_AreRejected()
    {
        var encrypted = await EncryptAsync(RandomNumberGenerator.GetBytes(2000), s_keys.Current);

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync([.. encrypted, 0x00], s_keys));

        Assert.Contains("continues after its final chunk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotABackup_IsRejected()
    {
        var error = await Assert.ThrowsAsync<BackupFormatException>(
            () => DecryptAsync("PGDMP plain dump"u8.ToArray(), s_keys));

        Assert.Contains("LGBACKUP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UncompletedStream_DecryptsAsTruncated()
    {
        using var output = new MemoryStream();
        await using (var encrypting = new EncryptingStream(output, s_keys.Current, ChunkSize))
        {
            await encrypting.WriteAsync(RandomNumberGenerator.GetBytes(2500));
        }

        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DecryptAsync(output.ToArray(), s_keys));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> EncryptAsync(byte[] plaintext, BackupKey key)
    {
        using var output = new MemoryStream();
        await using var encrypting = new EncryptingStream(output, key, ChunkSize);
        // Uneven writes cross chunk boundaries in every position.
        for (var offset = 0; offset < plaintext.Length; offset += 700)
        {
            await encrypting.WriteAsync(plaintext.AsMemory(offset, Math.Min(700, plaintext.Length - offset)));
        }

        await encrypting.CompleteAsync(CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<byte[]> DecryptAsync(byte[] encrypted, BackupKeyRing keys)
    {
        await using var decrypting = new DecryptingStream(new MemoryStream(encrypted), keys);
        using var output = new MemoryStream();
        await decrypting.CopyToAsync(output);
        return output.ToArray();
    }
}
