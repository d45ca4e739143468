using System.Text.RegularExpressions;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Bench;

/// <summary>
/// Starts a platform for the scripts of bench/ to attach to, with the arguments that
/// <c>bench/lib/platform.sh</c> gives a platform it starts itself, so that the scripts' loads
/// reach no rate limit and use up no limit of the shared platform's tests.
/// </summary>
public sealed partial class BenchPlatformFixture : IAsyncLifetime
{
    private PlatformInstance? _platform;

    /// <summary>The started platform.</summary>
    public PlatformInstance Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    /// <summary>The state folder of this platform.</summary>
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("luckygas-bench-test-").FullName;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(PlatformInstance.StartTimeout + TimeSpan.FromMinutes(1));
        _platform = await PlatformInstance.StartAsync(StateDirectory, new PlatformSecrets(), timeout.Token, [.. BenchArguments()]);
    }

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        TestState.Delete(StateDirectory);
    }

    /// <summary>Returns the quoted entries of the <c>platform_bench_arguments</c> array in <c>bench/lib/platform.sh</c>.</summary>
    public static IReadOnlyList<string> BenchArguments()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "bench", "lib", "platform.sh"));
        var array = ArrayPattern().Match(script);
        if (!array.Success)
        {
            throw new InvalidOperationException("bench/lib/platform.sh has no platform_bench_arguments=( ... ) array.");
        }

        var arguments = EntryPattern().Matches(array.Groups["body"].Value).Select(entry => entry.Groups["value"].Value).ToList();
        if (arguments.Count == 0)
        {
            throw new InvalidOperationException("The platform_bench_arguments array of bench/lib/platform.sh has no quoted --argument.");
        }

        return arguments;
    }

    [GeneratedRegex(@"^platform_bench_arguments=\((?<body>.*?)^\)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ArrayPattern();

    [GeneratedRegex("^\\s*\"(?<value>--[^\"]+)\"\\s*$", RegexOptions.Multiline)]
    private static partial Regex EntryPattern();
}

/// <summary>The test classes that run bench/ scripts against one started platform.</summary>
[CollectionDefinition(Name)]
public sealed class BenchPlatform : ICollectionFixture<BenchPlatformFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "BenchPlatform";
}
