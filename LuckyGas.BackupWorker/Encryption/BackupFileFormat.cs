using System.Buffers.Binary;
using System.Text;

namespace LuckyGas.BackupWorker.Encryption;

/// <summary>
/// Constants and header layout of the encrypted backup file (version 1). The README's "Backup
/// file format" section describes the same layout for readers without this code.
/// </summary>
/// <remarks>
/// Header: the 8 ASCII bytes <c>LGBACKUP</c>, a version byte (1), a key id length byte and the
/// key id in ASCII, the plaintext chunk size as a big-endian uint32, and an 8-byte random nonce
/// prefix. Chunk records follow: a big-endian uint32 whose bit 31 marks the final chunk and
/// whose low 31 bits are the plaintext length, the ciphertext, and the 16-byte AES-GCM tag.
/// </remarks>
public static class BackupFileFormat
{
    /// <summary>The first bytes of every backup file.</summary>
    public static ReadOnlySpan<byte> Magic => "LGBACKUP"u8;

    /// <summary>The format version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>The plaintext bytes per chunk that the writer uses: 1 MiB.</summary>
    public const int DefaultChunkSize = 1024 * 1024;

    /// <summary>The largest chunk size a reader accepts, so a corrupt header cannot request a huge buffer.</summary>
    public const int MaxChunkSize = 64 * 1024 * 1024;

    /// <summary>The length of the random nonce prefix in the header.</summary>
    public const int NoncePrefixSize = 8;

    /// <summary>The AES-GCM nonce length: the prefix and a big-endian uint32 chunk index.</summary>
    public const int NonceSize = 12;

    /// <summary>The AES-GCM tag length.</summary>
    public const int TagSize = 16;

    /// <summary>The length of a chunk record's length field.</summary>
    public const int RecordHeaderSize = 4;

    /// <summary>Bit 31 of the length field, set on the final chunk.</summary>
    public const uint FinalFlag = 0x8000_0000;

    /// <summary>Returns the header bytes for a file encrypted under <paramref name="keyId"/>.</summary>
    public static byte[] WriteHeader(string keyId, int chunkSize, ReadOnlySpan<byte> noncePrefix)
    {
        var id = Encoding.ASCII.GetBytes(keyId);
        var header = new byte[Magic.Length + 2 + id.Length + 4 + NoncePrefixSize];
        var position = 0;

        Magic.CopyTo(header);
        position += Magic.Length;
        header[position++] = Version;
        header[position++] = checked((byte)id.Length);
        id.CopyTo(header, position);
        position += id.Length;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(position), (uint)chunkSize);
        position += 4;
        noncePrefix.CopyTo(header.AsSpan(position));

        return header;
    }

    /// <summary>Writes the nonce of chunk <paramref name="index"/>: the prefix, then the index.</summary>
    public static void WriteNonce(Span<byte> nonce, ReadOnlySpan<byte> noncePrefix, uint index)
    {
        noncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], index);
    }

    /// <summary>
    /// Returns the associated data of a chunk: the whole header, the chunk index and the chunk's
    /// length field. Authenticating them detects a changed header, reordered chunks, and a final
    /// flag moved to truncate or extend the file.
    /// </summary>
    public static byte[] AssociatedData(byte[] header, uint index, uint lengthField)
    {
        var data = new byte[header.Length + 8];
        header.CopyTo(data, 0);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(header.Length), index);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(header.Length + 4), lengthField);
        return data;
    }
}

/// <summary>A backup file that cannot be decrypted: not a backup, an unknown key, or modified.</summary>
public sealed class BackupFormatException(string message) : Exception(message);
