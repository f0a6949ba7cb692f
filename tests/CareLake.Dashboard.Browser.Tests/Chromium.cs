using CareLake.Dashboard.Tests;
using Microsoft.Playwright;

namespace CareLake.Dashboard.Browser.Tests;

/// <summary>
/// One headless Debian Chromium (<c>/usr/bin/chromium</c>, or <c>CARELAKE_CHROMIUM</c>) driven by Playwright, shared by
/// the browser tests. Playwright's own browser download is never used: a machine without Chromium fails here, saying how
/// to install it.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string DefaultPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("CARELAKE_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}: the dashboard's browser tests need it. Run scripts/setup.sh " +
                "(it installs Debian's chromium package), or set CARELAKE_CHROMIUM to a Chromium executable. " +
                "Do not run `playwright install`.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The browser tests share one server over one generated hospital and one Chromium, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<HospitalServer>, ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
