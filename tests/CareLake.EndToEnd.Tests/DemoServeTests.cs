using System.Text.RegularExpressions;
using CareLake.Testing;
using CareLake.Warehouse.Postgres;

namespace CareLake.EndToEnd.Tests;

public partial class DemoServeTests
{
    [Fact]
    public async Task Demo_ends_serving_the_dashboard_on_its_data_until_sigterm_then_stops_the_local_cluster()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "carelake-demo-serve-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var process = CliProcess.Start(["demo", "--preset", "tiny", "--days", "10", "--port", "0"],
                new Dictionary<string, string> { ["CARELAKE_DATA_DIR"] = dataDirectory });
            var dashboard = await WaitForDashboardAsync(process, TimeSpan.FromMinutes(5));
            Assert.Matches(@"[\d,]+ events ingested", process.Output); // the summary came first

            var local = new LocalPostgres(dataDirectory);
            Assert.True(await local.IsRunningAsync(), "the local cluster must stay up while the demo serves");
            using (var client = new HttpClient { BaseAddress = new Uri(dashboard.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromMinutes(1) })
            {
                using var ward = await client.GetAsync(dashboard);
                Assert.Equal(System.Net.HttpStatusCode.OK, ward.StatusCode);
                Assert.Equal("text/html", ward.Content.Headers.ContentType?.MediaType);
                using var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative));
                Assert.True(ready.IsSuccessStatusCode, $"/ready: {(int)ready.StatusCode}");
                using var openApi = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
                Assert.True(openApi.IsSuccessStatusCode, $"/openapi/v1.json: {(int)openApi.StatusCode}");
                Assert.Contains("/v1/events/{topic}", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            process.Terminate();
            await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(process.ExitCode == 0, process.Output);
            Assert.False(await local.IsRunningAsync(), "the local cluster must stop with the demo");

            // Come back later: serve --database serves the demo's database.
            await local.EnsureStartedAsync();
            var demoDatabase = local.ConnectionString("carelake_demo");
            var vitals = await Sql.ScalarAsync<long>(demoDatabase, "SELECT count(*) FROM silver.vital_signs");
            await local.StopAsync();
            using var serve = CliProcess.Start(["serve", "--database", "carelake_demo", "--port", "0"],
                new Dictionary<string, string> { ["CARELAKE_DATA_DIR"] = dataDirectory });
            var served = await WaitForDashboardAsync(serve, TimeSpan.FromMinutes(2));
            using (var client = new HttpClient { BaseAddress = new Uri(served.GetLeftPart(UriPartial.Authority)), Timeout = TimeSpan.FromMinutes(1) })
            {
                var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
                using var content = new StringContent(
                    $$"""{"event_id":"vs-demo-serve-1","event_type":"vital_signs","schema_version":1,"occurred_at":"{{at}}","patient_id":"MRN-SERVE-1","measured_at":"{{at}}","heart_rate":88}""",
                    System.Text.Encoding.UTF8, "application/json");
                using var answer = await client.PostAsync(new Uri("/v1/events/patient_vitals", UriKind.Relative), content);
                Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            }

            serve.Terminate();
            await serve.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(serve.ExitCode == 0, serve.Output);
            await local.EnsureStartedAsync();
            Assert.Equal(vitals + 1, await Sql.ScalarAsync<long>(demoDatabase, "SELECT count(*) FROM silver.vital_signs"));
            await local.StopAsync();
        }
        finally
        {
            await ScratchCluster.RemoveAsync(dataDirectory);
        }
    }

    private static async Task<Uri> WaitForDashboardAsync(CliProcess process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (DashboardLine().Match(process.Output) is { Success: true } match) return new Uri(match.Groups[1].Value);
            await Task.Delay(200);
        }

        throw new TimeoutException($"carelake demo did not print the dashboard's address. Output:\n{process.Output}");
    }

    [GeneratedRegex(@"dashboard: (http://127\.0\.0\.1:\d+/ward)")]
    private static partial Regex DashboardLine();
}
