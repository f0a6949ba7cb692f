using System.Net;
using System.Text.Json;
using CareLake.Testing;

namespace CareLake.Dashboard.Tests;

/// <summary>The Operations view's API against the generated hospital: every answer checked against SQL of its own.</summary>
[Collection(HospitalServerCollection.Name)]
public sealed class OperationsTests(HospitalServer hospital)
{
    [Fact]
    public async Task Positions_are_the_committed_source_positions()
    {
        var table = await hospital.TableAsync("/v1/operations/positions");
        var expected = await hospital.RowsAsync("SELECT source, stream, partition, next_position, updated_by FROM ingest.source_positions ORDER BY 1, 2, 3");
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(r => $"{r[0]}|{r[1]}|{r[2]}|{r[3]}|{r[4]}"),
            table.Rows.Select(r => $"{r[table.Index("source")].GetString()}|{r[table.Index("stream")].GetString()}|{r[table.Index("partition")].GetInt32()}|" +
                                   $"{r[table.Index("next_position")].GetInt64()}|{r[table.Index("updated_by")].GetString()}"));
    }

    [Fact]
    public async Task The_batch_history_accounts_for_every_generated_message_in_bronze()
    {
        var table = await hospital.TableAsync($"/v1/operations/batches?limit={OperationsEndpoints.MaxBatches}");
        var generator = table.Rows.Where(r => r[table.Index("source")].GetString() == "generator").ToList();
        Assert.NotEmpty(generator);
        Assert.True(generator.Count < OperationsEndpoints.MaxBatches, "the fixture's batches fit in one answer");
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT count(*) FROM bronze.raw_events WHERE source = 'generator'"), generator.Sum(r => r[table.Index("bronze_rows")].GetInt64()));
        Assert.Equal(generator.Sum(r => r[table.Index("messages")].GetInt64()), generator.Sum(r => r[table.Index("bronze_rows")].GetInt64()));
        // Quarantined by silver (silver.quarantine) and by the row-level checks inside the batch (ops.dq_quarantine).
        var quarantined = generator.Sum(r => r[table.Index("quarantined")].GetInt64());
        var bySilver = await hospital.ScalarAsync<long>("SELECT count(*) FROM silver.quarantine q JOIN bronze.raw_events b ON b.id = q.bronze_id WHERE b.source = 'generator'");
        Assert.InRange(quarantined, bySilver, bySilver + await hospital.ScalarAsync<long>("SELECT count(*) FROM ops.dq_quarantine"));
        Assert.All(generator, r => Assert.True(r[table.Index("duration_ms")].GetDouble() > 0));
        var times = table.Column("committed_at").Select(v => v.GetDateTime()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var latest = await hospital.TableAsync("/v1/operations/batches?limit=3");
        Assert.Equal(await hospital.RowsAsync("SELECT batch_id FROM ops.stream_batches ORDER BY committed_at DESC, batch_id DESC LIMIT 3"),
            latest.Column("batch_id").Select(v => new object?[] { v.GetInt64() }));

        var durations = await hospital.TableAsync("/v1/operations/batch-durations?limit=5");
        Assert.Equal(Math.Min(5, await hospital.ScalarAsync<long>("SELECT count(*) FROM ops.stream_batches")), durations.Rows.Count);
        var chronological = durations.Column("committed_at").Select(v => v.GetDateTime()).ToList();
        Assert.Equal(chronological.Order(), chronological);
    }

    [Fact]
    public async Task Throughput_per_minute_adds_up_to_the_rows_each_stage_committed()
    {
        var table = await hospital.TableAsync($"/v1/operations/throughput?minutes={OperationsEndpoints.MaxMinutes}");
        Assert.Equal(OperationsEndpoints.MaxMinutes * 3, table.Rows.Count);
        long Total(string stage) => table.Rows.Where(r => r[table.Index("stage")].GetString() == stage).Sum(r => r[table.Index("events")].GetInt64());
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(bronze_rows) FROM ops.stream_batches"), Total("bronze"));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(silver_rows) FROM ops.stream_batches"), Total("silver"));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT coalesce(sum(rows), 0) FROM ops.model_runs WHERE status = 'success'"), Total("gold"));
        Assert.True(Total("silver") > 0 && Total("gold") > 0);
        Assert.All(table.Rows, r => Assert.Equal(Math.Round(r[table.Index("events")].GetInt64() / 60.0, 3), r[table.Index("events_per_second")].GetDouble(), 6));

        var hour = await hospital.TableAsync("/v1/operations/throughput");
        Assert.Equal(60 * 3, hour.Rows.Count);
        Assert.Equal(table.Column("minute").Last().GetDateTime(), hour.Column("minute").Last().GetDateTime());
    }

    [Theory]
    [InlineData("/v1/operations/throughput?minutes=0")]
    [InlineData("/v1/operations/throughput?minutes=1441")]
    [InlineData("/v1/operations/throughput?minutes=abc")]
    [InlineData("/v1/operations/batches?limit=-1")]
    [InlineData("/v1/operations/batch-durations?limit=100000")]
    public async Task Bad_query_values_are_a_problem_not_an_error(string path)
    {
        using var response = await hospital.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Sources_summarise_the_last_day_of_batches()
    {
        var table = await hospital.TableAsync("/v1/operations/sources");
        var expected = await hospital.RowsAsync("SELECT source, count(*), sum(messages), sum(silver_rows) FROM ops.stream_batches WHERE committed_at > now() - interval '24 hours' GROUP BY 1 ORDER BY 1");
        Assert.Equal(expected.Select(r => $"{r[0]}|{r[1]}|{r[2]}|{r[3]}"),
            table.Rows.Select(r => $"{r[0].GetString()}|{r[table.Index("batches")].GetInt64()}|{r[table.Index("messages")].GetInt64()}|{r[table.Index("silver_rows")].GetInt64()}"));
        Assert.All(table.Rows, r => Assert.True(r[table.Index("p50_ms")].GetDouble() <= r[table.Index("p95_ms")].GetDouble()));
    }

    [Fact]
    public async Task Gold_model_runs_and_each_models_latest_run()
    {
        var runs = await hospital.TableAsync("/v1/operations/model-runs");
        Assert.Equal(await hospital.RowsAsync("SELECT run_id FROM ops.model_runs ORDER BY run_id DESC LIMIT 100"), runs.Column("run_id").Select(v => new object?[] { v.GetInt64() }));
        var latest = await hospital.TableAsync("/v1/operations/model-durations");
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT count(DISTINCT model) FROM ops.model_runs"), latest.Rows.Count);
        var expected = await hospital.RowsAsync("SELECT DISTINCT ON (model) model, duration_ms FROM ops.model_runs ORDER BY model, run_id DESC");
        Assert.Equal(expected.Select(r => $"{r[0]}|{r[1]}"), latest.Rows.Select(r => $"{r[0].GetString()}|{r[1].GetInt64()}"));
    }

    [Fact]
    public async Task DAG_runs_count_their_tasks_and_failures()
    {
        await hospital.ExecuteAsync("""
            INSERT INTO ops.runs (run_id, job, trigger, status, started_at, finished_at)
            VALUES ('ops-view-run', 'nightly', 'schedule', 'failed', now() + interval '1 hour', now() + interval '1 hour 90 seconds')
            ON CONFLICT DO NOTHING;
            INSERT INTO ops.task_runs (run_id, task, attempt, status, started_at, finished_at, rows, error)
            SELECT 'ops-view-run', t.task, 1, t.status, now() + interval '1 hour', now() + interval '1 hour 2 seconds', 10, t.error
            FROM (VALUES ('gold.dim_patient', 'succeeded', NULL), ('export.parquet', 'failed', 'disk full')) AS t(task, status, error)
            WHERE NOT EXISTS (SELECT 1 FROM ops.task_runs WHERE run_id = 'ops-view-run');
            """);
        var runs = await hospital.TableAsync("/v1/operations/runs");
        var run = runs.Rows.First();
        Assert.Equal("ops-view-run", run[runs.Index("run_id")].GetString());
        Assert.Equal((2, 1, 90.0), (run[runs.Index("tasks")].GetInt32(), run[runs.Index("failed_tasks")].GetInt32(), run[runs.Index("duration_s")].GetDouble()));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT least(count(*), 50) FROM ops.runs"), runs.Rows.Count);

        var tasks = await hospital.TableAsync("/v1/operations/task-runs");
        var failed = tasks.Rows.Single(r => r[tasks.Index("run_id")].GetString() == "ops-view-run" && r[tasks.Index("status")].GetString() == "failed");
        Assert.Equal(("export.parquet", "disk full", 2000L), (failed[tasks.Index("task")].GetString(), failed[tasks.Index("error")].GetString(), failed[tasks.Index("duration_ms")].GetInt64()));
    }

    [Fact]
    public async Task MLLP_connections_show_open_stale_and_closed_ones()
    {
        await hospital.ExecuteAsync("""
            INSERT INTO ops.mllp_connections (connection_id, worker, remote_endpoint, opened_at, last_message_at, messages, closed_at, seen_at) VALUES
              ('0190b000-0000-7000-8000-00000000000a', 'ops-test', '10.1.0.1:4000', now() - interval '1 hour', now(), 120, NULL, now()),
              ('0190b000-0000-7000-8000-00000000000b', 'ops-test', '10.1.0.2:4000', now() - interval '2 hours', now() - interval '5 minutes', 7, NULL, now() - interval '5 minutes'),
              ('0190b000-0000-7000-8000-00000000000c', 'ops-test', '10.1.0.3:4000', now() - interval '3 hours', now() - interval '3 hours', 1, now() - interval '3 hours', now() - interval '3 hours')
            ON CONFLICT DO NOTHING
            """);
        var table = await hospital.TableAsync("/v1/operations/mllp-connections");
        var mine = table.Rows.Where(r => r[table.Index("worker")].GetString() == "ops-test")
            .ToDictionary(r => r[table.Index("remote_endpoint")].GetString()!, r => (r[table.Index("state")].GetString(), r[table.Index("messages")].GetInt64()));
        Assert.Equal(("open", 120L), mine["10.1.0.1:4000"]);
        Assert.Equal(("stale", 7L), mine["10.1.0.2:4000"]);
        Assert.Equal(("closed", 1L), mine["10.1.0.3:4000"]);
        Assert.NotEqual("closed", table.Rows[0][table.Index("state")].GetString()); // open ones first
    }

    [Fact]
    public async Task Without_a_configured_broker_the_kafka_view_says_so()
    {
        var table = await hospital.TableAsync("/v1/operations/kafka");
        Assert.Equal(["topic", "partition", "leader", "start_offset", "end_offset", "committed_position", "lag", "updated_by", "updated_at", "broker"], table.Columns);
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT count(*) FROM ingest.source_positions WHERE source = 'kafka'"), table.Rows.Count);
        using var status = JsonDocument.Parse(await hospital.Client.GetStringAsync("/v1/operations/kafka/broker"));
        Assert.Equal("not_configured", status.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_operations_page_has_its_charts_and_tables()
    {
        var html = await hospital.Client.GetStringAsync("/operations");
        foreach (var api in new[] { "/v1/operations/throughput", "/v1/operations/batch-durations", "/v1/operations/batches", "/v1/operations/kafka",
                     "/v1/operations/positions", "/v1/operations/mllp-connections", "/v1/operations/model-runs", "/v1/operations/runs" })
        {
            Assert.Contains($"data-api=\"{api}", html, StringComparison.Ordinal);
        }
    }
}
