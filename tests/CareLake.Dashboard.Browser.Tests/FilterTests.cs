using CareLake.Dashboard.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CareLake.Dashboard.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class FilterTests(HospitalServer hospital, Chromium chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task Analytics_filters_re_render_the_charts_with_the_APIs_numbers_for_the_narrower_selection()
    {
        await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, "/analytics");
        await page.WaitUntilSettledAsync();
        var form = page.Page.Locator("form.filters");
        Assert.True(await form.CountAsync() == 1, "/analytics has no filter form (form.filters)");
        var before = await FilteredChartsAsync(page);
        Assert.True(before.Count > 0, "/analytics has no rendered chart that follows the filters (figure.chart[data-filtered])");

        // The generated hospital spans the 30 days up to today: a week in the middle of it.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await ChangeAsync(page, form.Locator("[name=from]"), today.AddDays(-14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await ChangeAsync(page, form.Locator("[name=to]"), today.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("from=", page.Page.Url, StringComparison.Ordinal); // the address bar keeps the filters
        Assert.Contains("to=", page.Page.Url, StringComparison.Ordinal);
        Assert.True(await ChartChecks.AssertChartsShowTheApiNumbersAsync(page, hospital) > 0);
        var week = await FilteredChartsAsync(page);
        var changed = before.Keys.Count(k => !week.TryGetValue(k, out var now) || !now.SequenceEqual(before[k]));
        output.WriteLine($"date range: {changed} of {before.Count} filtered charts changed");
        Assert.True(changed > 0, "no chart's numbers changed for a narrower date range");

        // Then each choice list (unit, condition group) the form has, on top of the dates.
        foreach (var name in new[] { "unit", "condition" })
        {
            var select = form.Locator($"select[name={name}]");
            if (await select.CountAsync() == 0) continue;
            var choices = await select.Locator("option").EvaluateAllAsync<string[]>("options => options.map(o => o.value).filter(v => v)");
            Assert.True(choices.Length > 0, $"the {name} filter offers no choice");
            var previous = await FilteredChartsAsync(page);
            await ChangeAsync(page, select, choices[0]);
            Assert.Contains($"{name}=", page.Page.Url, StringComparison.Ordinal);
            Assert.True(await ChartChecks.AssertChartsShowTheApiNumbersAsync(page, hospital) > 0 || (await FilteredChartsAsync(page)).Count == 0);
            var now = await FilteredChartsAsync(page);
            output.WriteLine($"{name}={choices[0]}: {previous.Keys.Count(k => !now.TryGetValue(k, out var v) || !v.SequenceEqual(previous[k]))} of {previous.Count} filtered charts changed");
            await ChangeAsync(page, select, "");
        }

        page.AssertNoProblems();
    }

    /// <summary>Sets one filter as a user does; the form's change event re-renders the filtered charts, which are then awaited.</summary>
    private static async Task ChangeAsync(DashboardPage page, ILocator input, string value)
    {
        if (await input.EvaluateAsync<string>("e => e.tagName") == "SELECT") await input.SelectOptionAsync(value);
        else await input.FillAsync(value);
        await page.WaitUntilSettledAsync();
    }

    /// <summary>The plotted values of each rendered chart that follows the filters, by its position on the page.</summary>
    private static async Task<Dictionary<int, List<string>>> FilteredChartsAsync(DashboardPage page) =>
        (await page.ChartsAsync()).Where(c => c.Filtered && c.State == "rendered").ToDictionary(c => c.Index, c => c.RenderedValues());
}
