using System.Text;
using System.Text.Json.Serialization;
using Amazon.S3;
using LuckyGas.BackupWorker.Encryption;
using LuckyGas.BackupWorker.Endpoints;
using LuckyGas.BackupWorker.Notifications;
using LuckyGas.BackupWorker.Scheduling;
using LuckyGas.BackupWorker.Storage;
using LuckyGas.BackupWorker.Verification;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LuckyGas.BackupWorker;

/// <summary>Registers the backup services.</summary>
public static class BackupServices
{
    /// <summary>
    /// Adds the options, the S3 client, the key ring and every backup step, without the
    /// scheduler and the endpoints, so tools and tests can run backups in their own host.
    /// </summary>
    public static IServiceCollection AddBackupCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BackupOptions>().Bind(configuration.GetSection(BackupOptions.SectionName));
        services.AddOptions<S3Options>().Bind(configuration.GetSection(S3Options.SectionName));
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAmazonS3>(provider => BackupStore.CreateClient(provider.GetRequiredService<IOptions<S3Options>>().Value));
        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<BackupOptions>>().Value;
            if (string.IsNullOrEmpty(settings.EncryptionKey))
            {
                throw new InvalidOperationException(
                    "Backup:EncryptionKey is missing. The AppHost passes its backup-encryption-key parameter as Backup__EncryptionKey.");
            }

            return new BackupKeyRing(settings.EncryptionKey, settings.PreviousEncryptionKeys);
        });
        services.AddSingleton<BackupStore>();
        services.AddSingleton<RestoreVerifier>();
        services.AddSingleton<RetentionPolicy>();
        services.AddSingleton<BackupNotifier>();
        services.AddSingleton<BackupMetrics>();
        services.AddSingleton<BackupRunner>();
        services.AddSingleton<BackupSchedule>();
        services.AddHttpClient(BackupNotifier.HttpClientName);
        return services;
    }

    /// <summary>
    /// Adds the backup services, the scheduler, and bearer authentication that accepts the API's
    /// staff tokens (signed with <c>Auth:SigningKey</c>) and requires the Admin role.
    /// </summary>
    public static WebApplicationBuilder AddBackupWorker(this WebApplicationBuilder builder)
    {
        builder.Services.AddBackupCore(builder.Configuration);
        builder.Services.AddHostedService<BackupScheduler>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails();

        var signingKey = builder.Configuration["Auth:SigningKey"];
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = builder.Configuration["Auth:Issuer"] ?? "luckygas-api",
                ValidAudience = builder.Configuration["Auth:Audience"] ?? "luckygas",
                // Without a key every token fails validation, so the endpoints stay closed.
                IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(
                    string.IsNullOrEmpty(signingKey) ? Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N") : signingKey)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = "name",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromMinutes(1),
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(BackupEndpoints.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole("Admin"));
        return builder;
    }
}
