using System.Text.Json.Nodes;
using CareLake.Testing;
using CareLake.Warehouse.Operations;
using Npgsql;

namespace CareLake.Warehouse.Tests;

public class OperationalEventsTests
{
    [Fact]
    public async Task Alerts_and_pipeline_events_land_in_their_outboxes_with_their_links_back()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(OperationalEventsTests));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var id = await OperationalEvents.RaiseAsync(dataSource,
            new OperationalAlert("task_failed", "high", "task_failed:gold.dim_patient", "gold.dim_patient failed after 3 attempts",
                new JsonObject { ["table"] = "ops.task_runs", ["id"] = 42 }));
        await OperationalEvents.RecordAsync(dataSource, new PipelineEvent("run-1", "gold.dim_patient", "failed", DurationMs: 1200, Error: "boom"));
        await OperationalEvents.RecordAsync(dataSource, new PipelineEvent("run-1", "gold.dim_date", "succeeded", Rows: 365, DurationMs: 30));

        var alert = Assert.Single(await Sql.RowsAsync(connectionString,
            "SELECT alert_id, kind, severity, dedupe_key, source->>'table', (source->>'id')::int FROM ops.operational_alerts"));
        Assert.Equal([id, "task_failed", "high", "task_failed:gold.dim_patient", "ops.task_runs", 42], alert);
        Assert.Throws<PostgresException>(() => OperationalEvents.RaiseAsync(dataSource, new OperationalAlert("x", "loud", "k", "r")).GetAwaiter().GetResult());

        var events = await Sql.RowsAsync(connectionString, "SELECT stage, status, rows, duration_ms, error FROM ops.pipeline_events ORDER BY event_id");
        Assert.Equal([["gold.dim_patient", "failed", null, 1200L, "boom"], ["gold.dim_date", "succeeded", 365L, 30L, null]], events);
    }
}
