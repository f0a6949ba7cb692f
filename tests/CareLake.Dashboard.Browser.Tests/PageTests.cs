using CareLake.Dashboard.Tests;
using Npgsql;
using Xunit.Abstractions;

namespace CareLake.Dashboard.Browser.Tests;

/// <summary>Every page in a real Chromium against a server over a generated hospital.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(HospitalServer hospital, Chromium chromium, ITestOutputHelper output)
{
    /// <summary>The pages by the name of their picture; "patient" is the page of the patient with the highest NEWS2 of the last 24 h.</summary>
    public static TheoryData<string> Pages => ["ward", "analytics", "vitals", "quality", "operations", "patient"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_loads_with_no_console_error_or_failed_request_and_every_chart_and_table_settles(string name)
    {
        await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, await PathOfAsync(hospital, name));
        await page.WaitUntilSettledAsync();
        var shot = await page.ScreenshotAsync(name);
        output.WriteLine($"screenshot: {shot}");
        page.AssertNoProblems();
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Charts_plot_the_numbers_their_API_returns(string name)
    {
        await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, await PathOfAsync(hospital, name));
        await page.WaitUntilSettledAsync();
        var compared = await ChartChecks.AssertChartsShowTheApiNumbersAsync(page, hospital);
        output.WriteLine($"{name}: {compared} rendered charts compared with their API");
        page.AssertNoProblems();
    }

    [Fact]
    public async Task The_API_reference_loads_with_no_console_error_or_failed_request()
    {
        await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, "/scalar");
        // The reference renders the OpenAPI document: its operations appear once it has been fetched and read.
        await Microsoft.Playwright.Assertions.Expect(page.Page.GetByText("/v1/events/{topic}").First).ToBeVisibleAsync(new() { Timeout = DashboardPage.Patience });
        await page.Page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle, new() { Timeout = DashboardPage.Patience });
        var shot = await page.ScreenshotAsync("api");
        output.WriteLine($"screenshot: {shot}");
        page.AssertNoProblems();
    }

    /// <summary>The address of a page by its picture name.</summary>
    public static async Task<string> PathOfAsync(HospitalServer hospital, string name)
    {
        if (name != "patient") return "/" + name;
        await using var command = hospital.DataSource.CreateCommand(
            "SELECT patient_id FROM gold.patient_risk_snapshot ORDER BY max_news2_24h DESC NULLS LAST, patient_id LIMIT 1");
        var patient = (string?)await command.ExecuteScalarAsync();
        Assert.False(patient is null, "the generated hospital has no patient with vital signs");
        return "/patients/" + Uri.EscapeDataString(patient);
    }
}
