using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace CareLake.Dashboard.Browser.Tests;

/// <summary>
/// One dashboard page open in its own browser context (1440×900), recording every console error, uncaught script error,
/// failed request and HTTP error answer from the moment it starts loading.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    /// <summary>Generous: two cores are shared with PostgreSQL and the other tests.</summary>
    public const float Patience = 60_000;

    private static readonly string[] FilterNames = ["from", "to", "unit", "condition"];

    // Records every EventSource the page opens and whether it is open, so a test can wait for the live stream.
    private const string StreamProbe = """
        (() => {
          const Native = window.EventSource;
          if (!Native) return;
          window.__streams = [];
          window.EventSource = class extends Native {
            constructor(...args) {
              super(...args);
              const probe = { url: String(args[0]), open: false, messages: 0 };
              window.__streams.push(probe);
              this.addEventListener('open', () => { probe.open = true; });
              this.addEventListener('message', () => { probe.messages++; });
              this.addEventListener('error', () => { probe.open = this.readyState === 1; });
            }
          };
        })();
        """;

    private readonly ConcurrentQueue<string> _problems = new();
    private bool _closing;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<DashboardPage> OpenAsync(Chromium chromium, Uri server, string path)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            AcceptDownloads = true,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(Patience);
        await context.AddInitScriptAsync(StreamProbe);
        var page = await context.NewPageAsync();
        var opened = new DashboardPage(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") opened.Add($"console error: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => opened.Add($"script error: {error}");
        page.RequestFailed += (_, request) => opened.Add($"request failed: {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) opened.Add($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
        };
        var answer = await page.GotoAsync(path, new PageGotoOptions { Timeout = Patience });
        Assert.True(answer is { Ok: true }, $"GET {path}: {answer?.Status}");
        return opened;
    }

    private void Add(string problem)
    {
        if (!_closing) _problems.Enqueue(problem);
    }

    /// <summary>
    /// Waits for the page's start to finish (<c>body[data-ready=true]</c>) and for every chart and table to settle
    /// (<c>data-state</c> rendered, empty or error); fails when any settled as an error.
    /// </summary>
    public async Task WaitUntilSettledAsync()
    {
        await Page.WaitForFunctionAsync("""
            () => document.body.dataset.ready === 'true'
              && [...document.querySelectorAll('figure.chart, table.data')].every(e => ['rendered', 'empty', 'error'].includes(e.dataset.state))
            """, null, new PageWaitForFunctionOptions { Timeout = Patience, PollingInterval = 100 });
        var failed = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('figure.chart[data-state=error], table.data[data-state=error]')]
              .map(e => `${e.tagName.toLowerCase()} ${e.querySelector('figcaption')?.textContent ?? ''} (${e.dataset.api})`)
            """);
        var errors = await Page.EvaluateAsync<string>("() => document.getElementById('errors')?.innerText ?? ''");
        Assert.True(failed.Length == 0, $"{Page.Url}: failed to render: {string.Join("; ", failed)}\n{errors}");
    }

    public void AssertNoProblems() =>
        Assert.True(_problems.IsEmpty, $"{Page.Url}:\n{string.Join("\n", _problems)}");

    /// <summary>Every chart on the page with its specification and what it plotted.</summary>
    public async Task<IReadOnlyList<PageChart>> ChartsAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('figure.chart')].map((f, index) => ({
              index,
              title: f.querySelector('figcaption')?.textContent ?? '',
              api: f.dataset.api ?? null,
              filtered: 'filtered' in f.dataset,
              type: f.dataset.type ?? 'line',
              y: f.dataset.y ?? '',
              series: f.dataset.series ?? null,
              value: f.dataset.value ?? null,
              state: f.dataset.state ?? null,
              rendered: f.dataset.rendered ?? null,
            }))
            """);
        return json.EnumerateArray().Select(c => new PageChart(
            c.GetProperty("index").GetInt32(),
            c.GetProperty("title").GetString()!,
            c.GetProperty("api").GetString(),
            c.GetProperty("filtered").GetBoolean(),
            c.GetProperty("type").GetString()!,
            c.GetProperty("y").GetString()!,
            c.GetProperty("series").GetString(),
            c.GetProperty("value").GetString(),
            c.GetProperty("state").GetString(),
            c.GetProperty("rendered").GetString())).ToList();
    }

    /// <summary>The address a chart or table reads: its <c>data-api</c>, plus the page's filters when it is filtered (as app.js's filterQuery).</summary>
    public string ApiOf(string api, bool filtered)
    {
        if (!filtered) return api;
        var query = new Uri(Page.Url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => FilterNames.Contains(p[0]) && p.Length == 2 && p[1].Length > 0)
            .Select(p => $"{p[0]}={p[1]}")
            .ToList();
        return query.Count == 0 ? api : api + (api.Contains('?', StringComparison.Ordinal) ? '&' : '?') + string.Join('&', query);
    }

    /// <summary>A full-page picture, kept with the test output (see <see cref="Screenshots"/>).</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(Screenshots.Directory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        Screenshots.Publish(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await Context.DisposeAsync();
    }
}

/// <summary>A chart as the page holds it.</summary>
public sealed record PageChart(int Index, string Title, string? Api, bool Filtered, string Type, string Y, string? Series, string? Value, string? State, string? Rendered)
{
    public string Name => $"chart {Index} '{Title}' ({Api})";

    /// <summary>The values it plotted (<c>data-rendered</c>), normalised for comparison, sorted.</summary>
    public List<string> RenderedValues()
    {
        Assert.False(Rendered is null, $"{Name} is {State} but has no data-rendered");
        return JsonDocument.Parse(Rendered).RootElement.EnumerateArray().Select(Values.Normalise).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The columns whose values the chart must plot: data-value for a heatmap, else every data-y column.</summary>
    public IReadOnlyList<string> PlottedColumns =>
        Type == "heatmap" ? [Value!] : Y.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public static class Values
{
    /// <summary>A plotted or answered value as comparable text; null for nothing (nulls are not plotted).</summary>
    public static string? Normalise(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Number => Number(value.GetDouble()),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => Number(d),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    public static string Number(double value) => value.ToString("G12", CultureInfo.InvariantCulture);
}

/// <summary>
/// Where page pictures go: <c>CARELAKE_SCREENSHOTS_DIR</c>, else <c>screenshots/</c> beside the test assembly; with
/// <c>CARELAKE_UPDATE_SCREENSHOTS=1</c> each is also copied to the repository's <c>docs/screenshots/</c>.
/// </summary>
public static class Screenshots
{
    public static string Directory { get; } = Create();

    private static string Create()
    {
        var directory = Environment.GetEnvironmentVariable("CARELAKE_SCREENSHOTS_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static bool UpdateDocs => Environment.GetEnvironmentVariable("CARELAKE_UPDATE_SCREENSHOTS") == "1";

    public static void Publish(string path)
    {
        if (!UpdateDocs) return;
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "CareLake.slnx"))) root = root.Parent;
        Assert.True(root is not null, $"CARELAKE_UPDATE_SCREENSHOTS=1 but no CareLake.slnx above {AppContext.BaseDirectory}");
        var docs = Path.Combine(root.FullName, "docs", "screenshots");
        System.IO.Directory.CreateDirectory(docs);
        File.Copy(path, Path.Combine(docs, Path.GetFileName(path)), overwrite: true);
    }
}
