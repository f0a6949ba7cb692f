using System.Buffers.Binary;
using Microsoft.Playwright;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLake.Dashboard.Tests;
using Xunit.Abstractions;

namespace CareLake.Dashboard.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DownloadTests(HospitalServer hospital, Chromium chromium, ITestOutputHelper output)
{
    private const string PngPrefix = "data:image/png;base64,";
    private const int RealDownloadsPerPage = 3;
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Every_chart_offers_its_picture_as_PNG_and_its_data_as_the_APIs_table_in_CSV()
    {
        var checkedCharts = 0;
        foreach (var name in PageTests.Pages)
        {
            await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, await PageTests.PathOfAsync(hospital, name));
            await page.WaitUntilSettledAsync();
            var downloadsOnPage = 0;
            foreach (var chart in (await page.ChartsAsync()).Where(c => c.State == "rendered" && c.Api is not null))
            {
                var figure = page.Page.Locator("figure.chart").Nth(chart.Index);
                var png = figure.Locator("a.png");
                var href = await png.GetAttributeAsync("href") ?? "";
                Assert.True(href.StartsWith(PngPrefix, StringComparison.Ordinal), $"{name}: {chart.Name}: the PNG link is {href[..Math.Min(60, href.Length)]}");
                AssertPng(Convert.FromBase64String(href[PngPrefix.Length..]), $"{name}: {chart.Name}");
                Assert.EndsWith(".png", await png.GetAttributeAsync("download") ?? "", StringComparison.Ordinal);

                string csv;
                if (downloadsOnPage++ < RealDownloadsPerPage)
                {
                    IDownload download;
                    try
                    {
                        download = await page.Page.RunAndWaitForDownloadAsync(() => figure.Locator("a.csv").ClickAsync());
                    }
                    catch (TimeoutException e)
                    {
                        throw new TimeoutException($"{name}: {chart.Name}: no CSV download: {e.Message}", e);
                    }

                    Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
                    csv = await File.ReadAllTextAsync(await download.PathAsync(), Encoding.UTF8);
                }
                else
                {
                    // The rest of the page's charts: the file the same link makes, read in the page. Chromium throttles
                    // downloads started from one frame to 10 per second and silently drops the rest (no setting turns it
                    // off), so clicking every link of a page with more charts than that loses downloads.
                    Assert.EndsWith(".csv", await figure.Locator("a.csv").GetAttributeAsync("download") ?? "", StringComparison.Ordinal);
                    csv = await figure.EvaluateAsync<string>("async f => (await import('/assets/js/charts.js')).toCsv(f.drawnTable)");
                }

                AssertCsvIsTheTable(await hospital.TableAsync(page.ApiOf(chart.Api!, chart.Filtered)), csv, $"{name}: {chart.Name}");
                checkedCharts++;
            }

            page.AssertNoProblems();
        }

        output.WriteLine($"{checkedCharts} charts' PNG and CSV checked");
        Assert.True(checkedCharts > 0, "no page has a rendered chart to download");
    }

    private static void AssertPng(byte[] bytes, string what)
    {
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature), $"{what}: the PNG link does not hold a PNG");
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.True(width > 100 && height > 100, $"{what}: a {width}×{height} picture");
    }

    /// <summary>The CSV holds the answer's columns as its header and every row, cell by cell (null as an empty cell).</summary>
    private static void AssertCsvIsTheTable(ApiTable table, string csv, string what)
    {
        var records = Csv.Parse(csv);
        Assert.True(records.Count == table.Rows.Count + 1, $"{what}: {records.Count - 1} CSV rows, {table.Rows.Count} in the answer");
        Assert.Equal(table.Columns, records[0]);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            Assert.True(records[r + 1].Count == table.Columns.Count, $"{what}: CSV row {r + 1} has {records[r + 1].Count} cells");
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var cell = records[r + 1][c];
                var value = table.Rows[r][c];
                var same = value.ValueKind switch
                {
                    JsonValueKind.Null => cell.Length == 0,
                    JsonValueKind.Object or JsonValueKind.Array => JsonNode.DeepEquals(JsonNode.Parse(cell), JsonNode.Parse(value.GetRawText())),
                    _ => Values.Normalise(value) == Values.Normalise(JsonSerializer.SerializeToElement(cell)),
                };
                Assert.True(same, $"{what}: row {r + 1}, column {table.Columns[c]}: CSV '{cell}', answer {value.GetRawText()}");
            }
        }
    }
}

/// <summary>RFC 4180 CSV: quoted cells may hold commas, quotes (doubled) and line breaks.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { record.Add(cell.ToString()); cell.Clear(); }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
            }
            else cell.Append(ch);
        }

        if (cell.Length > 0 || record.Count > 0)
        {
            record.Add(cell.ToString());
            records.Add(record);
        }

        return records;
    }
}
