using System.Security.Cryptography;
using System.Text;

namespace LuckyGas.BackupWorker.Encryption;

/// <summary>One AES-256 key and its id.</summary>
/// <param name="Id">16 lowercase hex digits: the first 8 bytes of SHA-256 of the key.</param>
/// <param name="Key">The 32-byte AES key.</param>
public sealed record BackupKey(string Id, byte[] Key)
{
    private static readonly byte[] s_info = "LuckyGas backup encryption v1"u8.ToArray();

    /// <summary>
    /// Derives the AES-256 key from a secret as HKDF-SHA256 with the secret's UTF-8 bytes as input
    /// key material, no salt and the info string <c>LuckyGas backup encryption v1</c>.
    /// </summary>
    public static BackupKey FromSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: s_info);
        var id = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
        return new BackupKey(id, key);
    }
}

/// <summary>The current key, which encrypts new backups, and older keys that still decrypt old ones.</summary>
public sealed class BackupKeyRing
{
    private readonly Dictionary<string, BackupKey> _keys;

    /// <summary>Creates a key ring from the current secret and any previous secrets.</summary>
    public BackupKeyRing(string currentSecret, IEnumerable<string>? previousSecrets = null)
    {
        Current = BackupKey.FromSecret(currentSecret);
        _keys = new Dictionary<string, BackupKey>(StringComparer.Ordinal) { [Current.Id] = Current };
        foreach (var secret in previousSecrets ?? [])
        {
            if (!string.IsNullOrEmpty(secret))
            {
                var key = BackupKey.FromSecret(secret);
                _keys.TryAdd(key.Id, key);
            }
        }
    }

    /// <summary>The key that encrypts new backups.</summary>
    public BackupKey Current { get; }

    /// <summary>Returns the key with <paramref name="id"/>, or throws naming the missing id.</summary>
    /// <exception cref="BackupFormatException">No configured key has this id.</exception>
    public BackupKey Find(string id) => _keys.TryGetValue(id, out var key)
        ? key
        : throw new BackupFormatException(
            $"The backup was encrypted with key id {id}, but no configured key has that id " +
            $"(configured: {string.Join(", ", _keys.Keys)}). Add the secret it was made with to " +
            "Backup:PreviousEncryptionKeys.");
}
