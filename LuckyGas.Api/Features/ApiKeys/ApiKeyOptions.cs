namespace LuckyGas.Api.Features.ApiKeys;

/// <summary>Settings of API keys, from the <c>ApiKeys</c> configuration section.</summary>
/// <remarks>
/// To rotate the pepper, move the current pepper and version to <see cref="PreviousPepper"/> and
/// <see cref="PreviousPepperVersion"/>, then set a new <see cref="Pepper"/> with a higher
/// <see cref="PepperVersion"/>. New keys use the new pepper, and existing keys keep working with
/// the one their row names.
/// </remarks>
public sealed class ApiKeyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "ApiKeys";

    /// <summary>The minimum pepper length in bytes, the output size of HMAC-SHA256.</summary>
    public const int MinPepperBytes = 32;

    /// <summary>The HMAC-SHA256 key of new API keys, used as its UTF-8 bytes. Every API instance needs the same value.</summary>
    public string Pepper { get; set; } = "";

    /// <summary>The version recorded with keys hashed under <see cref="Pepper"/>.</summary>
    public int PepperVersion { get; set; } = 1;

    /// <summary>The pepper before the last rotation, or empty when there is none.</summary>
    public string PreviousPepper { get; set; } = "";

    /// <summary>The version of <see cref="PreviousPepper"/>.</summary>
    public int PreviousPepperVersion { get; set; }

    /// <summary>
    /// How long an instance reuses a successful key check before it reads the key again. A revoked
    /// or expired key stops working on every instance at most this long after the change.
    /// </summary>
    public TimeSpan ValidationCacheDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The maximum number of keys an instance keeps in its check cache.</summary>
    public int ValidationCacheSize { get; set; } = 10_000;

    /// <summary>How often each instance adds its usage counts to the database.</summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}
