using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LuckyGas.BackupWorker.Encryption;

/// <summary>
/// A write-only stream that encrypts what is written to it into <see cref="BackupFileFormat"/>
/// chunk records, holding one chunk in memory at a time.
/// </summary>
/// <remarks>
/// Call <see cref="CompleteAsync"/> after the last write: it writes the final chunk. Disposing
/// without completing leaves a file that readers reject as truncated, so an interrupted dump can
/// never decrypt as if it were whole.
/// </remarks>
public sealed class EncryptingStream : Stream
{
    private readonly Stream _output;
    private readonly AesGcm _aes;
    private readonly byte[] _header;
    private readonly byte[] _noncePrefix = RandomNumberGenerator.GetBytes(BackupFileFormat.NoncePrefixSize);
    private readonly byte[] _plaintext;
    private readonly byte[] _ciphertext;
    private int _buffered;
    private uint _index;
    private bool _headerWritten;
    private bool _completed;

    /// <summary>Creates a stream that writes an encrypted file to <paramref name="output"/>.</summary>
    public EncryptingStream(Stream output, BackupKey key, int chunkSize = BackupFileFormat.DefaultChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, BackupFileFormat.MaxChunkSize);
        _output = output;
        _aes = new AesGcm(key.Key, BackupFileFormat.TagSize);
        _header = BackupFileFormat.WriteHeader(key.Id, chunkSize, _noncePrefix);
        _plaintext = new byte[chunkSize];
        _ciphertext = new byte[chunkSize];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        await WriteHeaderOnceAsync(cancellationToken);

        while (!buffer.IsEmpty)
        {
            // A full chunk is written only once more data arrives, so the last chunk written
            // by CompleteAsync is always the one marked final.
            if (_buffered == _plaintext.Length)
            {
                await WriteChunkAsync(final: false, cancellationToken);
            }

            var count = Math.Min(buffer.Length, _plaintext.Length - _buffered);
            buffer.Span[..count].CopyTo(_plaintext.AsSpan(_buffered));
            _buffered += count;
            buffer = buffer[count..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes the buffered data as the final chunk and flushes the output.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        await WriteHeaderOnceAsync(cancellationToken);
        await WriteChunkAsync(final: true, cancellationToken);
        _completed = true;
        await _output.FlushAsync(cancellationToken);
    }

    public override void Flush()
    {
        // Data stays buffered until a chunk is full or the stream completes.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_plaintext);
        }

        base.Dispose(disposing);
    }

    private async ValueTask WriteHeaderOnceAsync(CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            await _output.WriteAsync(_header, cancellationToken);
            _headerWritten = true;
        }
    }

    private async ValueTask WriteChunkAsync(bool final, CancellationToken cancellationToken)
    {
        if (_index == uint.MaxValue)
        {
            throw new InvalidOperationException("The backup is too large: the chunk index would repeat a nonce.");
        }

        var lengthField = (uint)_buffered | (final ? BackupFileFormat.FinalFlag : 0);
        var record = new byte[BackupFileFormat.RecordHeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(record, lengthField);

        var nonce = new byte[BackupFileFormat.NonceSize];
        BackupFileFormat.WriteNonce(nonce, _noncePrefix, _index);
        var tag = new byte[BackupFileFormat.TagSize];
        var associatedData = BackupFileFormat.AssociatedData(_header, _index, lengthField);
        _aes.Encrypt(nonce, _plaintext.AsSpan(0, _buffered), _ciphertext.AsSpan(0, _buffered), tag, associatedData);

        await _output.WriteAsync(record, cancellationToken);
        await _output.WriteAsync(_ciphertext.AsMemory(0, _buffered), cancellationToken);
        await _output.WriteAsync(tag, cancellationToken);

        _index++;
        _buffered = 0;
    }
}
