using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Publish;

/// <summary>
/// Runs the AppHost in publish mode in process, as
/// <see cref="RegenerateCommand"/> does, without starting any resource.
/// </summary>
internal static class AppHostPublisher
{
    /// <summary>The command, run from the repository root, that rewrites the committed manifest.</summary>
    public const string RegenerateCommand =
        "dotnet run --project LuckyGas.AppHost -- --publisher manifest --output-path ../aspire-manifest.json";

    /// <summary>The longest a publish may take: it builds the model and writes one file.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>The folder that contains <c>LuckyGas.sln</c>.</summary>
    public static string RepositoryRoot => Repository.Root;

    /// <summary>The committed manifest.</summary>
    public static string CommittedManifestPath => Path.Combine(RepositoryRoot, "aspire-manifest.json");

    /// <summary>
    /// Creates the AppHost's builder in publish mode, for tests that inspect the model. Publishing
    /// needs no state folder, but the AppHost resolves one, so it gets a temporary folder.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(
        string outputPath, string stateDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        string[] all =
        [
            "--publisher", "manifest",
            "--output-path", outputPath,
            $"--LuckyGas:StateDirectory={stateDirectory}",
            .. arguments,
        ];
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.LuckyGas_AppHost>(all, cancellationToken)
            .WaitAsync(Timeout, cancellationToken);
    }

    /// <summary>
    /// Publishes the manifest with the given AppHost arguments and returns its text.
    /// </summary>
    /// <remarks>
    /// The manifest names project files and Dockerfiles relative to its own folder, so it is
    /// written beside the committed one, under a temporary name, and deleted after reading.
    /// </remarks>
    public static async Task<string> PublishAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var outputPath = Path.Combine(RepositoryRoot, $".aspire-manifest.{Guid.NewGuid():N}.json");
        var state = Directory.CreateTempSubdirectory("luckygas-publish-");
        try
        {
            var builder = await CreateBuilderAsync(outputPath, state.FullName, arguments, cancellationToken);
            await using var app = await builder.BuildAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            await app.RunAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            return await File.ReadAllTextAsync(outputPath, cancellationToken);
        }
        finally
        {
            File.Delete(outputPath);
            state.Delete(recursive: true);
        }
    }
}
