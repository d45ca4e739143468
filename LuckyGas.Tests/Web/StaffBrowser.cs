using Microsoft.Playwright;

namespace LuckyGas.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright, launched once per test class. Nothing is downloaded:
/// the executable is found on this machine, and <c>LUCKYGAS_CHROMIUM</c> names another one.
/// </summary>
public sealed class StaffBrowser : IAsyncLifetime
{
    /// <summary>The environment variable that overrides the Chromium executable.</summary>
    public const string ExecutableVariable = "LUCKYGAS_CHROMIUM";

    private static readonly string[] s_candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    // The machine has no outside network: without these switches Chromium keeps trying to reach
    // update, sync and field-trial servers and fills the logs with refused connections.
    private static readonly string[] s_arguments =
    [
        "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The launched browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not launched.");

    /// <summary>The folder that receives one screenshot per page, under the test output.</summary>
    public static string ScreenshotDirectory { get; } =
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        var executable = FindExecutable();
        _playwright = await Playwright.CreateAsync();
        List<string> arguments = [.. s_arguments];

        // Chromium's sandbox refuses to start as root.
        if (Environment.UserName == "root")
        {
            arguments.Add("--no-sandbox");
        }

        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = arguments,
            Timeout = 60_000,
        });
    }

    /// <summary>Opens a new context (its own cookies) and page, with a 30 s timeout on every action.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            Locale = "en-US",
            TimezoneId = "Asia/Taipei",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot as <c>TestResults/screenshots/{name}.png</c>.</summary>
    public static Task SaveScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"{ExecutableVariable} names {configured}, which does not exist.");
        }

        return s_candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"No Chromium found at {string.Join(", ", s_candidates)}. Install Debian's chromium package or set {ExecutableVariable}.");
    }
}
