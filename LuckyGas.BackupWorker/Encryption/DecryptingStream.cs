using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LuckyGas.BackupWorker.Encryption;

/// <summary>
/// A read-only stream that returns the plaintext of a <see cref="BackupFileFormat"/> file,
/// authenticating each chunk before returning any of its bytes.
/// </summary>
/// <remarks>
/// It throws <see cref="BackupFormatException"/> for a file that is not a backup, a key id that
/// no configured key has, a chunk that fails authentication (a wrong key, a changed byte, or
/// chunks moved), a file that ends before its final chunk, and bytes after the final chunk.
/// </remarks>
public sealed class DecryptingStream(Stream input, BackupKeyRing keys) : Stream
{
    private byte[]? _header;
    private byte[] _noncePrefix = [];
    private AesGcm? _aes;
    private byte[] _plaintext = [];
    private int _available;
    private int _position;
    private uint _index;
    private bool _finished;

    /// <summary>The key id that the header names, once the header was read.</summary>
    public string? KeyId { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_header is null)
        {
            await ReadHeaderAsync(cancellationToken);
        }

        while (_position == _available)
        {
            if (_finished)
            {
                return 0;
            }

            await ReadChunkAsync(cancellationToken);
        }

        var count = Math.Min(buffer.Length, _available - _position);
        _plaintext.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes?.Dispose();
            CryptographicOperations.ZeroMemory(_plaintext);
        }

        base.Dispose(disposing);
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var fixedPart = new byte[BackupFileFormat.Magic.Length + 2];
        if (!await ReadExactlyOrEndAsync(fixedPart, cancellationToken)
            || !fixedPart.AsSpan(0, BackupFileFormat.Magic.Length).SequenceEqual(BackupFileFormat.Magic))
        {
            throw new BackupFormatException(
                "The file is not a Lucky Gas backup: it does not start with the 8 bytes 'LGBACKUP'.");
        }

        var version = fixedPart[^2];
        if (version != BackupFileFormat.Version)
        {
            throw new BackupFormatException(
                $"The backup file has format version {version}, but this program reads only version {BackupFileFormat.Version}.");
        }

        var rest = new byte[fixedPart[^1] + 4 + BackupFileFormat.NoncePrefixSize];
        if (!await ReadExactlyOrEndAsync(rest, cancellationToken))
        {
            throw new BackupFormatException("The backup file ends inside its header: it is truncated.");
        }

        KeyId = Encoding.ASCII.GetString(rest, 0, fixedPart[^1]);
        var chunkSize = BinaryPrimitives.ReadUInt32BigEndian(rest.AsSpan(fixedPart[^1]));
        if (chunkSize is 0 or > BackupFileFormat.MaxChunkSize)
        {
            throw new BackupFormatException(
                $"The backup header names a chunk size of {chunkSize} bytes, outside 1..{BackupFileFormat.MaxChunkSize}: the header is damaged.");
        }

        _header = [.. fixedPart, .. rest];
        _noncePrefix = rest[^BackupFileFormat.NoncePrefixSize..];
        _aes = new AesGcm(keys.Find(KeyId).Key, BackupFileFormat.TagSize);
        _plaintext = new byte[chunkSize];
    }

    private async Task ReadChunkAsync(CancellationToken cancellationToken)
    {
        var record = new byte[BackupFileFormat.RecordHeaderSize];
        if (!await ReadExactlyOrEndAsync(record, cancellationToken))
        {
            throw new BackupFormatException(
                $"The backup file ends after {_index} chunks without a final chunk: it is truncated.");
        }

        var lengthField = BinaryPrimitives.ReadUInt32BigEndian(record);
        var final = (lengthField & BackupFileFormat.FinalFlag) != 0;
        var length = (int)(lengthField & ~BackupFileFormat.FinalFlag);
        if (length > _plaintext.Length || (!final && length != _plaintext.Length))
        {
            throw new BackupFormatException(
                $"Chunk {_index} has length {length}, which the chunk size {_plaintext.Length} does not allow: the file is damaged.");
        }

        var ciphertext = new byte[length];
        var tag = new byte[BackupFileFormat.TagSize];
        if (!await ReadExactlyOrEndAsync(ciphertext, cancellationToken) || !await ReadExactlyOrEndAsync(tag, cancellationToken))
        {
            throw new BackupFormatException($"The backup file ends inside chunk {_index}: it is truncated.");
        }

        var nonce = new byte[BackupFileFormat.NonceSize];
        BackupFileFormat.WriteNonce(nonce, _noncePrefix, _index);
        try
        {
            _aes!.Decrypt(nonce, ciphertext, tag, _plaintext.AsSpan(0, length),
                BackupFileFormat.AssociatedData(_header!, _index, lengthField));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new BackupFormatException(
                $"Chunk {_index} failed authentication: the file was modified or damaged, or the key with id {KeyId} " +
                "is not the key it was encrypted with.");
        }

        _available = length;
        _position = 0;
        _index++;

        if (final)
        {
            _finished = true;
            if (input.ReadByte() != -1)
            {
                throw new BackupFormatException(
                    $"The backup file continues after its final chunk {_index - 1}: data was appended.");
            }
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return read == buffer.Length;
    }
}
