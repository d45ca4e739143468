using System.Security.Cryptography;
using LuckyGas.BackupWorker.Storage;
using LuckyGas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuckyGas.Tests.Backup;

[Collection(SharedPlatform.Name)]
public sealed class BackupStoreTests(PlatformFixture fixture)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task FileAboveMultipartThreshold_RoundTripsByteForByte()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        await using var harness = BackupHarness.Create(fixture.Platform, new Dictionary<string, string?>
        {
            // 5 MiB is the smallest part S3 accepts for every part but the last.
            ["S3:MultipartThreshold"] = $"{5 * MiB}",
            ["S3:PartSize"] = $"{5 * MiB}",
        });
        var store = harness.Services.GetRequiredService<BackupStore>();
        var path = Path.Combine(harness.LocalDirectory, "large.bin");
        var content = RandomNumberGenerator.GetBytes((int)(12 * MiB) + 123);
        await File.WriteAllBytesAsync(path, content, cancellationToken);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        var key = store.DataKey("multipart-20261204T000000Z");

        var parts = await store.UploadFileAsync(path, key, sha256, cancellationToken);
        await store.CheckUploadedAsync(key, content.Length, sha256, cancellationToken);
        var download = Path.Combine(harness.LocalDirectory, "download.bin");
        var (actual, recorded) = await store.DownloadAsync(key, download, cancellationToken);

        Assert.Equal(3, parts);
        Assert.Equal(sha256, actual);
        Assert.Equal(sha256, recorded);
        Assert.Equal(content, await File.ReadAllBytesAsync(download, cancellationToken));
        await store.DeleteAsync(key, cancellationToken);
    }

    [Fact]
    public async Task Retention_KeepsExactlyTheRightFiles()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var now = new DateTimeOffset(2026, 12, 4, 18, 30, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        await using var harness = BackupHarness.Create(fixture.Platform,
            configure: services => services.AddSingleton<TimeProvider>(clock));
        var store = harness.Services.GetRequiredService<BackupStore>();
        var retention = harness.Services.GetRequiredService<RetentionPolicy>();

        // Ages in days: local copies live 7 days and S3 objects 30 days.
        double[] ages = [0.5, 6.9, 7.1, 20, 29.9, 30.1, 45];
        var names = ages.Select(age => BackupManifest.NameFor("luckygas", now - TimeSpan.FromDays(age))).ToArray();
        foreach (var name in names)
        {
            await File.WriteAllTextAsync(Path.Combine(harness.LocalDirectory, name + ".lgbk"), name, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(harness.LocalDirectory, name + ".json"), name, cancellationToken);
            await PutAsync(store, store.DataKey(name), cancellationToken);
            await PutAsync(store, store.ManifestKey(name), cancellationToken);
        }

        await retention.ApplyAsync(newestGood: names[0], cancellationToken);

        var localNames = Directory.EnumerateFiles(harness.LocalDirectory).Select(Path.GetFileName).Order().ToArray();
        string[] expectedLocal = [.. names[..2].SelectMany(name => new[] { name + ".json", name + ".lgbk" }).Order()];
        Assert.Equal(expectedLocal, localNames);
        var remoteNames = (await store.ListAsync(cancellationToken)).Select(entry => entry.Name).Distinct().Order().ToArray();
        Assert.Equal(names[..5].Order().ToArray(), remoteNames);
    }

    [Fact]
    public async Task Retention_NeverDeletesNewestGoodBackup()
    {
        var cancellationToken = TestContext.Token(TimeSpan.FromMinutes(2));
        var now = new DateTimeOffset(2026, 12, 4, 18, 30, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        await using var harness = BackupHarness.Create(fixture.Platform,
            configure: services => services.AddSingleton<TimeProvider>(clock));
        var store = harness.Services.GetRequiredService<BackupStore>();
        var newest = BackupManifest.NameFor("luckygas", now - TimeSpan.FromDays(40));
        var older = BackupManifest.NameFor("luckygas", now - TimeSpan.FromDays(41));
        foreach (var name in new[] { newest, older })
        {
            await File.WriteAllTextAsync(Path.Combine(harness.LocalDirectory, name + ".lgbk"), name, cancellationToken);
            await PutAsync(store, store.DataKey(name), cancellationToken);
        }

        // A month later, with no backup since, the clock moves on and retention runs again.
        clock.Advance(TimeSpan.FromDays(30));
        await harness.Services.GetRequiredService<RetentionPolicy>().ApplyAsync(newest, cancellationToken);

        Assert.Equal([newest + ".lgbk"], Directory.EnumerateFiles(harness.LocalDirectory).Select(path => Path.GetFileName(path)).ToArray());
        Assert.Equal([newest], (await store.ListAsync(cancellationToken)).Select(entry => entry.Name).ToArray());
    }

    private static async Task PutAsync(BackupStore store, string key, CancellationToken cancellationToken)
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, key, cancellationToken);
            await store.UploadFileAsync(path, key, "0", cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
