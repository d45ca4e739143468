namespace LuckyGas.Tests.Infrastructure;

/// <summary>Paths in the repository that the tests read, such as the README and the scripts.</summary>
public static class Repository
{
    /// <summary>The folder that contains <c>LuckyGas.sln</c>, found above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LuckyGas.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains LuckyGas.sln.");
    }
}
