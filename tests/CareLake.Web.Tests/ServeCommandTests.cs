using System.Text.RegularExpressions;
using CareLake.Testing;

namespace CareLake.Web.Tests;

public partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_prints_its_address_ingests_and_stops_cleanly_on_sigterm()
    {
        var connectionString = await TestDatabase.CreateAsync("web_serve_command");
        using var process = CliProcess.Start(["serve", "--port", "0"], new Dictionary<string, string> { ["CARELAKE_DATABASE_URL"] = connectionString });

        var address = await WaitForAddressAsync(process, TimeSpan.FromSeconds(60));
        using (var client = new HttpClient { BaseAddress = address })
        {
            using var content = new ByteArrayContent(Events.Valid(1, seed: 501)[0]);
            content.Headers.ContentType = new("application/json");
            var answer = await Answer.ReadAsync(await client.PostAsync(new Uri("/v1/events/patient_vitals", UriKind.Relative), content));
            answer.AssertOk();
            Assert.Equal(["stored"], answer.Statuses);
        }

        process.Terminate();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM silver.vital_signs"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM gold.patient_risk_snapshot"));
    }

    private static async Task<Uri> WaitForAddressAsync(CliProcess process, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (ListeningLine().Match(process.Output) is { Success: true } match) return new Uri(match.Groups[1].Value);
            await Task.Delay(100);
        }

        throw new TimeoutException($"carelake serve did not print its address. Output:\n{process.Output}");
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
