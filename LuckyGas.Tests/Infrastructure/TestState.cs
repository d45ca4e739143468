namespace LuckyGas.Tests.Infrastructure;

/// <summary>Cleans up state folders that tests created.</summary>
public static class TestState
{
    /// <summary>Deletes a state folder, leaving it in place when a server still writes to it.</summary>
    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A server still writing during deletion leaves the folder behind in /tmp, which the
            // next boot clears; the test result does not depend on it.
        }
    }
}
