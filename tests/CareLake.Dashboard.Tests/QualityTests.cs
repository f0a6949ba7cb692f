using System.Net;
using System.Text;
using CareLake.Quality;
using CareLake.Testing;

namespace CareLake.Dashboard.Tests;

[Collection(HospitalServerCollection.Name)]
public sealed class QualityTests(HospitalServer hospital)
{
    [Fact]
    public async Task Every_check_appears_once_with_its_latest_result()
    {
        var table = await hospital.TableAsync("/v1/quality/results");
        var expected = await Sql.RowsAsync(hospital.ConnectionString,
            "SELECT DISTINCT ON (suite, check_name) suite || '/' || check_name, status, failing_rows FROM ops.dq_results ORDER BY suite, check_name, result_id DESC");
        Assert.NotEmpty(expected);
        var answered = table.Rows.Select(r => (Key: r[table.Index("suite")].GetString() + "/" + r[table.Index("check_name")].GetString(),
            Status: r[table.Index("status")].GetString(), Failing: r[table.Index("failing_rows")].GetInt64())).ToList();
        Assert.Equal(expected.Count, answered.Count);
        Assert.Equal(
            expected.Select(r => ((string)r[0]!, (string)r[1]!, (long)r[2]!)).Order(),
            answered.Select(a => (a.Key, a.Status!, a.Failing)).Order());
        var order = answered.Select(a => a.Status switch { "failed" => 0, "errored" => 1, "quarantined" => 2, "warned" => 3, _ => 4 }).ToList();
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public async Task A_failing_check_lists_the_key_of_every_failing_row()
    {
        var connection = hospital.ConnectionString;
        // Two lab results with a LOINC code of the wrong form (a warn check), put back afterwards.
        var broken = (await Sql.RowsAsync(connection, "SELECT event_id, loinc_code FROM silver.lab_results ORDER BY event_id LIMIT 2"))
            .Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        Assert.Equal(2, broken.Count);
        long resultId;
        try
        {
            foreach (var (eventId, _) in broken) await Sql.ExecuteAsync(connection, "UPDATE silver.lab_results SET loinc_code = 'not-a-code' WHERE event_id = $1", eventId);
            await QualityRunner.RunAsync(hospital.DataSource, new QualityRunRequest("quality-tests", ["silver.lab_results"]));
            resultId = await Sql.ScalarAsync<long>(connection,
                "SELECT max(result_id) FROM ops.dq_results WHERE suite = 'silver.lab_results' AND check_name = 'loinc_code_format'");
        }
        finally
        {
            foreach (var (eventId, code) in broken) await Sql.ExecuteAsync(connection, "UPDATE silver.lab_results SET loinc_code = $2 WHERE event_id = $1", eventId, code);
        }

        var results = await hospital.TableAsync("/v1/quality/results");
        var latest = results.Rows.Single(r => r[results.Index("check_name")].GetString() == "loinc_code_format");
        Assert.Equal(resultId, latest[results.Index("result_id")].GetInt64());
        Assert.Equal("warned", latest[results.Index("status")].GetString());
        Assert.Equal(2, latest[results.Index("failing_rows")].GetInt64());

        var rows = await hospital.TableAsync($"/v1/quality/results/{resultId}/failures");
        Assert.Equal(broken.Select(b => b.Item1).Order(), rows.Column("row_key").Select(k => k.GetProperty("event_id").GetString()!).Order());
        Assert.Single((await hospital.TableAsync($"/v1/quality/results/{resultId}/failures?limit=1")).Rows);
        var result = await hospital.TableAsync($"/v1/quality/results/{resultId}");
        Assert.Equal("silver.lab_results", Assert.Single(result.Rows)[result.Index("table_name")].GetString());
    }

    [Fact]
    public async Task Runs_are_the_newest_oldest_first()
    {
        await QualityRunner.RunAsync(hospital.DataSource, new QualityRunRequest("quality-tests", ["gold.fact_encounter"]));
        var ids = (await Sql.RowsAsync(hospital.ConnectionString, "SELECT dq_run_id FROM ops.dq_runs ORDER BY dq_run_id DESC LIMIT 2"))
            .Select(r => (long)r[0]!).Reverse().ToList();
        var runs = await hospital.TableAsync("/v1/quality/runs?limit=2");
        Assert.Equal(ids, runs.Column("dq_run_id").Select(v => v.GetInt64()));
        var last = runs.Rows[^1];
        Assert.Equal(last[runs.Index("checks")].GetInt32(),
            last[runs.Index("passed")].GetInt32() + last[runs.Index("warned")].GetInt32() + last[runs.Index("failed")].GetInt32() +
            last[runs.Index("quarantined")].GetInt32() + await Sql.ScalarAsync<int>(hospital.ConnectionString,
                "SELECT count(*)::int FROM ops.dq_results WHERE dq_run_id = $1 AND status = 'errored'", ids[^1]));

        var tomorrow = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty((await hospital.TableAsync($"/v1/quality/runs?from={tomorrow}")).Rows);
    }

    [Fact]
    public async Task Null_share_history_holds_every_column_of_each_gold_run()
    {
        var connection = hospital.ConnectionString;
        var columns = await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM gold.mart_data_completeness WHERE table_name = 'fact_encounter'");
        Assert.True(columns > 10);
        var runs = await Sql.ScalarAsync<long>(connection, "SELECT count(DISTINCT measured_at) FROM ops.gold_completeness_history WHERE table_name = 'fact_encounter'");
        Assert.True(runs >= 1);

        var history = await hospital.TableAsync("/v1/quality/completeness?table=fact_encounter");
        Assert.Equal(columns * runs, history.Rows.Count);
        var encounters = await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM gold.fact_encounter");
        var openStays = await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM gold.fact_encounter WHERE discharged_at IS NULL");
        Assert.True(openStays > 0, "patients still in house have no discharge time");
        var discharged = history.Rows.Last(r => r[history.Index("column_name")].GetString() == "discharged_at");
        Assert.Equal(Math.Round(100m * openStays / encounters, 2), discharged[history.Index("null_pct")].GetDecimal());
        Assert.Equal(encounters, discharged[history.Index("row_count")].GetInt64());

        var latest = await hospital.TableAsync("/v1/quality/completeness/latest?table=fact_encounter");
        Assert.Equal(columns, latest.Rows.Count);
        var choices = await hospital.TableAsync("/v1/quality/completeness/tables");
        Assert.Contains("fact_encounter", choices.Column("value").Select(v => v.GetString()));
    }

    [Fact]
    public async Task Quarantine_is_counted_by_reason_and_shows_the_raw_record_as_received()
    {
        var connection = hospital.ConnectionString;
        var expected = await Sql.CountByAsync(connection, "SELECT stream || '/' || reason_code, count(*) FROM silver.quarantine GROUP BY 1");
        Assert.NotEmpty(expected);
        var reasons = await hospital.TableAsync("/v1/quality/quarantine/reasons");
        var silver = reasons.Rows.Where(r => r[reasons.Index("layer")].GetString() == "silver")
            .ToDictionary(r => r[reasons.Index("source")].GetString() + "/" + r[reasons.Index("reason")].GetString(), r => r[reasons.Index("records")].GetInt64());
        Assert.Equal(expected.OrderBy(e => e.Key), silver.OrderBy(e => e.Key));

        var reason = expected.OrderByDescending(e => e.Value).First().Key.Split('/')[1];
        var records = await hospital.TableAsync($"/v1/quality/quarantine?reason={Uri.EscapeDataString(reason)}&limit=5000");
        Assert.Equal(await Sql.ScalarAsync<long>(connection, "SELECT count(*) FROM silver.quarantine WHERE reason_code = $1", reason), records.Rows.Count);
        Assert.All(records.Column("reason"), r => Assert.Equal(reason, r.GetString()));
        var first = records.Rows[0];
        var payload = (byte[])(await Sql.RowsAsync(connection, "SELECT payload FROM bronze.raw_events WHERE id = $1", first[records.Index("bronze_id")].GetInt64()))[0][0]!;
        Assert.Equal(Encoding.UTF8.GetString(payload), first[records.Index("raw_record")].GetString());
        Assert.Equal(payload.Length, first[records.Index("bytes")].GetInt32());
    }

    [Theory]
    [InlineData("/v1/quality/runs?limit=0")]
    [InlineData("/v1/quality/runs?from=yesterday")]
    [InlineData("/v1/quality/runs?from=2026-02-01&to=2026-01-01")]
    [InlineData("/v1/quality/completeness")]
    [InlineData("/v1/quality/quarantine?limit=999999")]
    public async Task Bad_parameters_are_a_problem_not_an_error(string path)
    {
        using var response = await hospital.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/v1/quality/results/999999999")]
    [InlineData("/v1/quality/results/999999999/failures")]
    public async Task An_unknown_result_is_not_found(string path)
    {
        using var response = await hospital.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
