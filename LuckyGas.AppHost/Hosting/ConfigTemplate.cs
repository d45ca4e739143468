using System.Text.RegularExpressions;

namespace LuckyGas.AppHost.Hosting;

/// <summary>
/// Renders a configuration template kept beside the AppHost code into a server's state folder.
/// </summary>
/// <remarks>
/// Placeholders are written <c>{{name}}</c>. <see cref="RenderOnce"/> renders a file only when it
/// does not exist yet: repmgr, Sentinel and the failover scripts rewrite these files at run time,
/// and a node must start again with what they wrote, not with the template.
/// </remarks>
public static partial class ConfigTemplate
{
    /// <summary>
    /// Writes <paramref name="templatePath"/> to <paramref name="targetPath"/> with its
    /// placeholders replaced, unless the target exists. Returns whether it wrote the file.
    /// </summary>
    /// <exception cref="DistributedApplicationException">A placeholder has no value.</exception>
    public static bool RenderOnce(string templatePath, string targetPath, IReadOnlyDictionary<string, string> values)
    {
        if (File.Exists(targetPath))
        {
            return false;
        }

        var text = Render(File.ReadAllText(templatePath), values, templatePath);
        var temporary = targetPath + ".tmp";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, targetPath);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="templatePath"/> to <paramref name="targetPath"/> with its
    /// placeholders replaced, replacing the target by a rename, for servers that never rewrite
    /// their configuration.
    /// </summary>
    /// <exception cref="DistributedApplicationException">A placeholder has no value.</exception>
    public static void RenderFile(string templatePath, string targetPath, IReadOnlyDictionary<string, string> values)
    {
        var text = Render(File.ReadAllText(templatePath), values, templatePath);
        var temporary = targetPath + ".tmp";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, targetPath, overwrite: true);
    }

    /// <summary>Replaces every <c>{{name}}</c> placeholder in <paramref name="template"/>.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values, string source = "template")
    {
        return Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            return values.TryGetValue(name, out var value)
                ? value
                : throw new DistributedApplicationException(
                    $"The placeholder '{{{{{name}}}}}' in {source} has no value.");
        });
    }

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex Placeholder();
}
