using System.Security.Cryptography;

namespace LuckyGas.Tests.Infrastructure;

/// <summary>
/// Secret parameter values for one test run, passed to the AppHost as configuration so that
/// tests neither read nor write the developer's user secrets.
/// </summary>
public sealed class PlatformSecrets
{
    /// <summary>The superuser password of every PostgreSQL node.</summary>
    public string PostgresPassword { get; } = NewSecret();

    /// <summary>The password of the repmgr replication role.</summary>
    public string ReplicationPassword { get; } = NewSecret();

    /// <summary>The password of the application's database role.</summary>
    public string DatabasePassword { get; } = NewSecret();

    /// <summary>The password of every Redis node and sentinel.</summary>
    public string RedisPassword { get; } = NewSecret();

    /// <summary>The key that signs staff bearer tokens.</summary>
    public string TokenSigningKey { get; } = NewSecret();

    /// <summary>The password of the monitoring role that the exporters sign in with.</summary>
    public string MonitoringPassword { get; } = NewSecret();

    /// <summary>The password of the bootstrapped <c>admin</c> account.</summary>
    public string AdminPassword { get; } = NewSecret();

    /// <summary>The secret that the backup encryption key is derived from.</summary>
    public string BackupEncryptionKey { get; } = NewSecret();

    /// <summary>The pepper of API key hashes.</summary>
    public string ApiKeyPepper { get; } = NewSecret();

    /// <summary>Returns the AppHost arguments that set each parameter.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        $"--Parameters:postgres-password={PostgresPassword}",
        $"--Parameters:replication-password={ReplicationPassword}",
        $"--Parameters:db-password={DatabasePassword}",
        $"--Parameters:redis-password={RedisPassword}",
        $"--Parameters:token-signing-key={TokenSigningKey}",
        $"--Parameters:admin-password={AdminPassword}",
        $"--Parameters:monitoring-password={MonitoringPassword}",
        $"--Parameters:backup-encryption-key={BackupEncryptionKey}",
        $"--Parameters:api-key-pepper={ApiKeyPepper}",
    ];

    private static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
