using CareLake.Dashboard.Tests;

namespace CareLake.Dashboard.Browser.Tests;

/// <summary>Checks that hold for every chart of every page, whatever it shows.</summary>
public static class ChartChecks
{
    /// <summary>
    /// Every settled chart against its API, read now by the test: a rendered chart plotted exactly the multiset of its
    /// y (heatmap: value) column's non-null values; an empty one's answer has no rows. Returns the charts compared.
    /// </summary>
    public static async Task<int> AssertChartsShowTheApiNumbersAsync(DashboardPage page, HospitalServer hospital)
    {
        var compared = 0;
        foreach (var chart in await page.ChartsAsync())
        {
            if (chart.Api is null) continue; // drawn from data the page holds (e.g. a live stream), not from an endpoint
            var api = page.ApiOf(chart.Api, chart.Filtered);
            var table = await hospital.TableAsync(api);
            if (chart.State == "empty")
            {
                Assert.True(table.Rows.Count == 0, $"{page.Page.Url}: {chart.Name} shows no data but GET {api} answers {table.Rows.Count} rows");
                continue;
            }

            Assert.True(chart.State == "rendered", $"{page.Page.Url}: {chart.Name} is {chart.State}");
            var expected = chart.PlottedColumns.SelectMany(table.Column).Select(Values.Normalise).OfType<string>().Order(StringComparer.Ordinal).ToList();
            var plotted = chart.RenderedValues();
            Assert.True(expected.SequenceEqual(plotted), $"{page.Page.Url}: {chart.Name} plotted {plotted.Count} values, GET {api} answers {expected.Count} " +
                $"in {string.Join(",", chart.PlottedColumns)}; only plotted: [{string.Join(", ", plotted.Except(expected).Take(10))}], " +
                $"only answered: [{string.Join(", ", expected.Except(plotted).Take(10))}]");
            compared++;
        }

        return compared;
    }
}
