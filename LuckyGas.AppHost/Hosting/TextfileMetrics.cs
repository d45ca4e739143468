namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Writes metrics for node_exporter's textfile collector, which reads every <c>*.prom</c> file in
/// <c>node-exporter/</c> under the state folder.
/// </summary>
public static class TextfileMetrics
{
    /// <summary>The folder under the state folder that the textfile collector reads.</summary>
    public const string DirectoryName = "node-exporter";

    /// <summary>
    /// Replaces <paramref name="fileName"/> in <paramref name="directory"/> with <paramref name="text"/>
    /// through a temporary file and a rename, so the collector never reads half a file.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or written.</exception>
    public static void Write(string directory, string fileName, string text)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, fileName);
        var temporary = $"{target}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, target, overwrite: true);
    }
}
