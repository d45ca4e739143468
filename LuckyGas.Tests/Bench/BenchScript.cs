using System.Diagnostics;
using System.Text;
using LuckyGas.Tests.Infrastructure;

namespace LuckyGas.Tests.Bench;

/// <summary>Runs a script of bench/ in its smoke mode and collects what it prints.</summary>
internal static class BenchScript
{
    /// <summary>
    /// Runs <c>bench/<paramref name="script"/> --smoke</c> from the repository root with
    /// <paramref name="environment"/> added, and returns its exit code with its standard output
    /// and error interleaved. The script is killed with its children when the token is cancelled.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunSmokeAsync(
        string script, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(Repository.Root, "bench", script), "--smoke" },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Failed to start bench/{script}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
