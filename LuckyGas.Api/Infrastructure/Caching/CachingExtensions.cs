using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LuckyGas.Api.Infrastructure.Caching;

/// <summary>Registers the Redis read cache.</summary>
public static class CachingExtensions
{
    /// <summary>
    /// Adds <see cref="RedisReadCache"/>, configured from the <c>Cache</c> section. It uses the
    /// Redis multiplexer that <see cref="DataAccessExtensions.AddDataAccess"/> registers. The
    /// application fails at start when a duration in the section is not positive.
    /// </summary>
    public static WebApplicationBuilder AddReadCache(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<CacheOptions>()
            .BindConfiguration(CacheOptions.SectionName)
            .Validate(options => options.CustomerTimeToLive > TimeSpan.Zero,
                "Cache:CustomerTimeToLive must be a positive duration, such as 00:05:00.")
            .Validate(options => options.PriceListTimeToLive > TimeSpan.Zero,
                "Cache:PriceListTimeToLive must be a positive duration, such as 01:00:00.")
            .Validate(options => options.CommandTimeout > TimeSpan.Zero,
                "Cache:CommandTimeout must be a positive duration, such as 00:00:00.5.")
            .Validate(options => options.RetryInterval > TimeSpan.Zero,
                "Cache:RetryInterval must be a positive duration, such as 00:00:05.")
            .ValidateOnStart();

        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RedisCacheConnection>();
        builder.Services.AddSingleton<RedisReadCache>();
        return builder;
    }
}
