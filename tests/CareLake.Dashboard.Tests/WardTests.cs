using System.Globalization;
using System.Net;
using System.Text.Json;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using CareLake.Web;

namespace CareLake.Dashboard.Tests;

[Collection(HospitalServerCollection.Name)]
public sealed class WardTests(HospitalServer hospital)
{
    /// <summary>Encounters in house at a moment, by a formulation of their own: admitted by then, not discharged by then.</summary>
    private const string InHouseAt = """
        SELECT e.encounter_id, e.patient_id,
               (SELECT l.unit FROM silver.encounter_locations l
                WHERE l.source = e.source AND l.encounter_id = e.encounter_id AND l.started_at <= $1 AND (l.ended_at IS NULL OR l.ended_at > $1))
        FROM silver.encounters e
        WHERE e.status IN ('in_house', 'discharged') AND e.patient_id IS NOT NULL
          AND coalesce(e.admitted_at, e.first_event_at) <= $1 AND (e.discharged_at IS NULL OR e.discharged_at > $1)
        """;

    private string ConnectionString => hospital.DataSource.ConnectionString;

    [Fact]
    public async Task The_in_house_list_is_every_encounter_admitted_and_not_discharged_with_its_unit()
    {
        var summary = await hospital.TableAsync("/v1/ward/summary");
        var asOf = DateTime.Parse(summary.Rows[0][summary.Index("as_of")].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var ward = await hospital.TableAsync("/v1/ward/patients");

        var expected = await Sql.RowsAsync(ConnectionString, InHouseAt, asOf);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => (string)r[0]!).Order(), ward.Column("encounter_id").Select(e => e.GetString()!).Order());
        Assert.Equal(expected.Count, summary.Rows[0][summary.Index("in_house")].GetInt32());
        var units = ward.Rows.ToDictionary(r => r[ward.Index("encounter_id")].GetString()!, r => r[ward.Index("unit")].GetString());
        foreach (var row in expected.Where(r => r[2] is not null)) Assert.Equal((string)row[2]!, units[(string)row[0]!]);
        Assert.Equal(["patient_id", "news2_score", "news2_band", "trend", "news2_recent", "alerts_24h"],
            ward.Columns.Intersect(["patient_id", "news2_score", "news2_band", "trend", "news2_recent", "alerts_24h"]));
    }

    [Fact]
    public async Task Each_patient_shows_the_score_of_the_latest_complete_set_and_the_trend_against_the_one_before()
    {
        var ward = await hospital.TableAsync("/v1/ward/patients");
        Assert.NotEmpty(ward.Rows);
        var scored = 0;
        foreach (var row in ward.Rows)
        {
            var patient = row[ward.Index("patient_id")].GetString()!;
            var sets = await Sql.RowsAsync(ConnectionString,
                "SELECT news2_score, news2_band FROM silver.vital_signs WHERE patient_id = $1 AND news2_complete AND measured_at <= now() ORDER BY measured_at DESC LIMIT 2",
                patient);
            var score = row[ward.Index("news2_score")];
            if (sets.Count == 0)
            {
                Assert.Equal(JsonValueKind.Null, score.ValueKind);
                continue;
            }

            scored++;
            Assert.Equal(Convert.ToInt32(sets[0][0], CultureInfo.InvariantCulture), score.GetInt32());
            Assert.Equal((string)sets[0][1]!, row[ward.Index("news2_band")].GetString());
            var recent = row[ward.Index("news2_recent")].EnumerateArray().Select(v => v.GetInt32()).ToList();
            Assert.Equal(score.GetInt32(), recent[^1]);
            if (sets.Count < 2)
            {
                Assert.Equal(JsonValueKind.Null, row[ward.Index("trend")].ValueKind);
                continue;
            }

            var previous = Convert.ToInt32(sets[1][0], CultureInfo.InvariantCulture);
            Assert.Equal(previous, row[ward.Index("previous_news2")].GetInt32());
            var trend = score.GetInt32() > previous ? "up" : score.GetInt32() < previous ? "down" : "steady";
            Assert.Equal(trend, row[ward.Index("trend")].GetString());
        }

        Assert.True(scored > 0, "no patient in house has a scored vital-sign set");
    }

    [Fact]
    public async Task The_summary_counts_the_list_by_band_and_the_alerts_measured_in_the_last_24_hours()
    {
        var summary = await hospital.TableAsync("/v1/ward/summary");
        var ward = await hospital.TableAsync("/v1/ward/patients");
        var row = summary.Rows[0];
        var asOf = DateTime.Parse(row[summary.Index("as_of")].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.True(Math.Abs((DateTime.UtcNow - asOf).TotalMinutes) < 5, $"as_of {asOf:o} is the server's now");

        var bands = ward.Column("news2_band").Select(b => b.ValueKind == JsonValueKind.Null ? "no_score" : b.GetString()!.Replace('-', '_')).ToList();
        foreach (var band in new[] { "high", "medium", "low_medium", "low", "no_score" })
            Assert.Equal(bands.Count(b => b == band), row[summary.Index(band)].GetInt32());
        Assert.Equal(ward.Rows.Count, row[summary.Index("in_house")].GetInt32());

        var alerts = await Sql.ScalarAsync<long>(ConnectionString,
            "SELECT count(*) FROM silver.clinical_alerts WHERE measured_at > $1 - interval '24 hours' AND measured_at <= $1", asOf);
        Assert.Equal(alerts, row[summary.Index("alerts_24h")].GetInt32());
        var listed = await hospital.TableAsync("/v1/ward/alerts");
        Assert.Equal(alerts, listed.Rows.Count);
    }

    [Fact]
    public async Task A_unit_filter_keeps_that_units_patients_and_the_units_are_offered()
    {
        var ward = await hospital.TableAsync("/v1/ward/patients");
        var unit = ward.Column("unit").Select(u => u.GetString()).First(u => u is not null)!;

        var filtered = await hospital.TableAsync($"/v1/ward/patients?unit={Uri.EscapeDataString(unit)}");
        Assert.Equal(ward.Rows.Count(r => r[ward.Index("unit")].GetString() == unit), filtered.Rows.Count);
        Assert.All(filtered.Column("unit"), u => Assert.Equal(unit, u.GetString()));
        var summary = await hospital.TableAsync($"/v1/ward/summary?unit={Uri.EscapeDataString(unit)}");
        Assert.Equal(filtered.Rows.Count, summary.Rows[0][summary.Index("in_house")].GetInt32());
        Assert.Empty((await hospital.TableAsync("/v1/ward/patients?unit=no-such-unit")).Rows);

        var units = await hospital.TableAsync("/v1/ward/units");
        Assert.Equal(["value", "label"], units.Columns);
        var offered = units.Rows.Single(r => r[0].GetString() == unit);
        Assert.Contains($"({filtered.Rows.Count} in house)", offered[1].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alerts_of_the_last_24_hours_are_those_measured_then_newest_first()
    {
        // As of the latest alert, so the window holds alerts whatever the generated data's end.
        var latest = await Sql.RowsAsync(ConnectionString, "SELECT max(measured_at) FROM silver.clinical_alerts");
        Assert.NotNull(latest[0][0]);
        var at = ((DateTime)latest[0][0]!).AddMinutes(1);
        await using var server = await ServerAtAsync(at);
        using var client = new HttpClient { BaseAddress = server.Address };

        var alerts = await TableAsync(client, "/v1/ward/alerts");
        var expected = await Sql.RowsAsync(ConnectionString,
            "SELECT alert_id FROM silver.clinical_alerts WHERE measured_at > $1 - interval '24 hours' AND measured_at <= $1 ORDER BY measured_at DESC, alert_id DESC", at);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)), alerts.Column("alert_id").Select(a => a.GetInt64()));
        Assert.All(alerts.Column("patient_id"), p => Assert.False(string.IsNullOrEmpty(p.GetString())));
    }

    [Fact]
    public async Task Now_is_the_servers_clock_so_the_ward_at_a_past_moment_shows_who_was_in_house_then()
    {
        var stay = await Sql.RowsAsync(ConnectionString, """
            SELECT encounter_id, admitted_at + (discharged_at - admitted_at) / 2
            FROM silver.encounters WHERE status = 'discharged' AND class = 'inpatient' AND discharged_at > admitted_at
            ORDER BY discharged_at - admitted_at DESC, encounter_id LIMIT 1
            """);
        Assert.NotEmpty(stay);
        var (encounter, at) = ((string)stay[0][0]!, (DateTime)stay[0][1]!);
        await using var server = await ServerAtAsync(at);
        using var client = new HttpClient { BaseAddress = server.Address };

        var ward = await TableAsync(client, "/v1/ward/patients");
        var expected = await Sql.RowsAsync(ConnectionString, InHouseAt, at);
        Assert.Contains(encounter, ward.Column("encounter_id").Select(e => e.GetString()));
        Assert.Equal(expected.Select(r => (string)r[0]!).Order(), ward.Column("encounter_id").Select(e => e.GetString()!).Order());
        var summary = await TableAsync(client, "/v1/ward/summary");
        Assert.Equal(at, DateTime.Parse(summary.Rows[0][summary.Index("as_of")].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        var row = ward.Rows.Single(r => r[ward.Index("encounter_id")].GetString() == encounter);
        var lastVitals = row[ward.Index("last_vitals_at")];
        if (lastVitals.ValueKind != JsonValueKind.Null)
            Assert.True(DateTime.Parse(lastVitals.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) <= at, "no set after now");
    }

    [Theory]
    [InlineData("/v1/ward/patients?unit=")]
    [InlineData("/v1/ward/summary?unit=%00")]
    [InlineData("/v1/ward/alerts?unit=")]
    public async Task Bad_parameters_are_a_400_problem(string path)
    {
        if (path.EndsWith('=')) path += new string('x', DashboardFilter.MaxTextLength + 1);
        using var response = await hospital.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task The_ward_endpoints_are_described_in_the_openapi_document()
    {
        var document = JsonDocument.Parse(await hospital.Client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/ward/patients", "/v1/ward/summary", "/v1/ward/alerts", "/v1/ward/units", "/v1/ward/stream",
                     "/v1/patients/{patientId}", "/v1/patients/{patientId}/vitals", "/v1/patients/{patientId}/labs",
                     "/v1/patients/{patientId}/diagnoses", "/v1/patients/{patientId}/encounters", "/v1/patients/{patientId}/alerts" })
        {
            Assert.True(document.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            var get = item.GetProperty("get");
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()));
            Assert.False(string.IsNullOrEmpty(get.GetProperty("description").GetString()));
        }
    }

    /// <summary>A second server on the same database whose clock stands still at <paramref name="at"/>.</summary>
    private async Task<CareLakeServer> ServerAtAsync(DateTime at)
    {
        var pipeline = new PipelineContext(hospital.DataSource, SilverStages.All(), new FixedClock(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))), _ => { });
        return await CareLakeServer.StartAsync(new WebServerSettings(Port: 0, CommitLanes: 1), pipeline, "ward-clock-test");
    }

    private static async Task<ApiTable> TableAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return ApiTable.Parse(body);
    }
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
