using System.Diagnostics;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Monitoring;

/// <summary>Runs Debian's <c>promtool</c> and returns its exit code and output.</summary>
public static class Promtool
{
    /// <summary>The folder of the alert rules and their unit tests in the repository.</summary>
    public static string MonitoringDirectory { get; } = Path.Combine(Repository.Root, "LuckyGas.AppHost", "Monitoring");

    /// <summary>Runs promtool with <paramref name="arguments"/>, writing <paramref name="input"/> to its standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string? input, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = MonitoringDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(input ?? string.Empty);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
