using System.Diagnostics;
using System.Text;

namespace LuckyGas.AppHost.Hosting;

/// <summary>The exit code and combined output of a command that the AppHost ran.</summary>
/// <param name="ExitCode">The exit code, or -1 when the command timed out and was killed.</param>
/// <param name="Output">Standard output followed by standard error.</param>
public sealed record ProcessResult(int ExitCode, string Output)
{
    /// <summary>Whether the command exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs short administrative commands, such as repmgr's, as the server account.</summary>
public static class ServerProcess
{
    /// <summary>
    /// Runs <paramref name="program"/> as the server account with <paramref name="environment"/> added to
    /// the AppHost's environment, and returns its exit code and output. A command that runs longer than
    /// <paramref name="timeout"/> is killed with its children.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        ServerAccount account, string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (command, wrapped) = account.Wrap(program, [.. arguments]);
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in wrapped)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)
            ?? throw new DistributedApplicationException($"Failed to start {program}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var partial = new StringBuilder(await standardOutput).Append(await standardError);
            return new ProcessResult(-1, $"{partial}\n{program} did not finish within {timeout.TotalSeconds:F0} s and was stopped.");
        }

        return new ProcessResult(process.ExitCode, (await standardOutput) + (await standardError));
    }
}
