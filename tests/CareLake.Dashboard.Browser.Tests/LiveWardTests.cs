using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CareLake.Core.Scoring;
using CareLake.Dashboard.Tests;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CareLake.Dashboard.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class LiveWardTests(HospitalServer hospital, Chromium chromium, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>What a patient's row on the ward may be: a table row, list item, card, or anything marked with the patient.</summary>
    private const string Rows = "main tr, main li, main article, main .patient, main [data-patient], main [data-patient-id]";

    // Rows of the ward view (a patient's row, card or list item) that show the patient and the score as a number of its own.
    private const string ShowsScore = $$"""
        ({ patient, score }) => {
          const number = new RegExp(`(^|[^0-9.:/-])${score}([^0-9.:/-]|$)`);
          return [...document.querySelectorAll('{{Rows}}')]
            .some(e => e.innerText.includes(patient) && number.test(e.innerText));
        }
        """;

    [Fact]
    public async Task The_ward_shows_a_vital_sign_set_streamed_in_within_2_seconds_of_its_commit()
    {
        // As `carelake serve`, gold is kept up beside the server while the ward is watched.
        var pipeline = new PipelineContext(hospital.DataSource, SilverStages.All(), TimeProvider.System, _ => { });
        using var stopRefresh = new CancellationTokenSource();
        var refreshing = Task.Run(() => pipeline.CreateGoldRefresher().RunAsync(stopRefresh.Token));
        try
        {
            await using var page = await DashboardPage.OpenAsync(chromium, hospital.Server.Address, "/ward");
            await page.WaitUntilSettledAsync();
            try
            {
                await page.Page.WaitForFunctionAsync("() => (window.__streams ?? []).some(s => s.open)", null,
                    new PageWaitForFunctionOptions { Timeout = DashboardPage.Patience, PollingInterval = 50 });
            }
            catch (TimeoutException)
            {
                Assert.Fail("the ward page opened no server-sent event stream (EventSource) for its live updates");
            }

            var (patient, encounter) = await PatientOnTheWardAsync(page);
            var rows = await page.Page.EvaluateAsync<string[]>($$"""
                patient => [...document.querySelectorAll('{{Rows}}')]
                  .map(e => e.innerText).filter(t => t.includes(patient))
                """, patient);
            var (vitals, score) = DerangedSetNotShownYet(string.Join("\n", rows));
            output.WriteLine($"streaming a set scoring NEWS2 {score} for {patient} ({encounter})");

            var body = new JsonObject
            {
                ["event_id"] = "vs-browser-" + Guid.NewGuid().ToString("N"),
                ["event_type"] = "vital_signs",
                ["schema_version"] = 1,
                ["occurred_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["patient_id"] = patient,
                ["encounter_id"] = encounter,
                ["device_id"] = "MON-BROWSER",
                ["measured_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            foreach (var (key, value) in vitals) body[key] = value?.DeepClone();
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var answer = await hospital.Client.PostAsync(new Uri("/v1/events/patient_vitals", UriKind.Relative), content);
            var clock = Stopwatch.StartNew(); // from the answer: the set is committed
            var text = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.IsSuccessStatusCode && text.Contains("\"stored\"", StringComparison.Ordinal), $"POST /v1/events/patient_vitals: {(int)answer.StatusCode} {text}");

            try
            {
                await page.Page.WaitForFunctionAsync(ShowsScore, new { patient, score = score.ToString(CultureInfo.InvariantCulture) },
                    new PageWaitForFunctionOptions { Timeout = (float)(Bound - clock.Elapsed).TotalMilliseconds });
            }
            catch (TimeoutException)
            {
                var now = await page.Page.EvaluateAsync<string[]>($$"""
                    patient => [...document.querySelectorAll('{{Rows}}')]
                      .map(e => e.innerText).filter(t => t.includes(patient))
                    """, patient);
                Assert.Fail($"the ward did not show NEWS2 {score} for {patient} within {Bound.TotalSeconds} s of the commit; its rows: {string.Join(" | ", now)}");
            }

            output.WriteLine($"shown {clock.ElapsedMilliseconds} ms after the commit");
            Assert.True(clock.Elapsed <= Bound, $"shown after {clock.ElapsedMilliseconds} ms");
            page.AssertNoProblems();
        }
        finally
        {
            await stopRefresh.CancelAsync();
            try
            {
                await refreshing;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>An in-house patient (open encounter) whom the ward page lists.</summary>
    private async Task<(string Patient, string Encounter)> PatientOnTheWardAsync(DashboardPage page)
    {
        var shown = await page.Page.Locator("main").InnerTextAsync();
        var inHouse = new List<(string, string)>();
        await using (var command = hospital.DataSource.CreateCommand("""
            SELECT DISTINCT ON (patient_id) patient_id, encounter_id FROM silver.encounters
            WHERE status = 'in_house' ORDER BY patient_id, admitted_at DESC
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) inHouse.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.True(inHouse.Count > 0, "the generated hospital has nobody in house");
        var onWard = inHouse.Where(p => shown.Contains(p.Item1, StringComparison.Ordinal)).ToList();
        Assert.True(onWard.Count > 0, $"none of the {inHouse.Count} patients in house is on the ward page");
        return onWard[0];
    }

    /// <summary>
    /// A complete, deranged vital-sign set whose NEWS2 total does not yet appear as a number of its own in the patient's
    /// rows, nor as today's day or the hour and minutes of the next minutes (which a "last measured" column may show).
    /// </summary>
    private static (JsonObject Vitals, int Score) DerangedSetNotShownYet(string rows)
    {
        var taken = Numbers().Matches(rows).Select(m => int.Parse(m.Value, CultureInfo.InvariantCulture)).ToHashSet();
        var now = DateTimeOffset.UtcNow;
        for (var minute = 0; minute <= 5; minute++)
        {
            var at = now.AddMinutes(minute);
            taken.UnionWith([at.Day, at.Month, at.Hour, at.Minute, at.LocalDateTime.Hour, at.LocalDateTime.Minute, at.LocalDateTime.Day]);
        }

        foreach (var temperature in new[] { 34.5m, 35.5m, 37m })
        foreach (var heartRate in new[] { 140m, 115m, 100m, 80m })
        foreach (var consciousness in new[] { 'V', 'A' })
        {
            var input = new News2Input(RespiratoryRate: 28, Spo2: 88, Spo2Scale: 1, OnSupplementalOxygen: true, SystolicBp: 88, HeartRate: heartRate,
                Consciousness: Acvpu.FromCode(consciousness), TemperatureCelsius: temperature);
            var score = News2.Score(input).Total!.Value;
            if (taken.Contains(score)) continue;
            return (new JsonObject
            {
                ["heart_rate"] = heartRate,
                ["respiratory_rate"] = 28,
                ["spo2"] = 88,
                ["spo2_scale"] = 1,
                ["on_supplemental_oxygen"] = true,
                ["systolic_bp"] = 88,
                ["diastolic_bp"] = 50,
                ["temperature"] = temperature,
                ["temperature_unit"] = "Cel",
                ["consciousness"] = consciousness.ToString(),
            }, score);
        }

        throw new InvalidOperationException($"every deranged score is already shown: {rows}");
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();
}
