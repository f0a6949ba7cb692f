using CareLake.Testing;
using CareLake.Warehouse.Migrations;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Warehouse.Tests;

public class MigrationRunnerTests
{
    [Fact]
    public async Task Migrations_apply_once_and_create_every_layer()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Migrations_apply_once_and_create_every_layer));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        Assert.Empty(await MigrationRunner.ApplyAsync(dataSource)); // TestDatabase already migrated it
        var tables = await Sql.RowsAsync(connectionString,
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('ingest','bronze','silver','gold','ops') ORDER BY 1");
        Assert.Equal(
            ["bronze.file_records", "bronze.raw_events", "gold.changed_patients", "gold.dim_date", "gold.dim_diagnosis", "gold.dim_location",
             "gold.dim_patient", "gold.dim_procedure", "gold.fact_encounter", "gold.fact_lab_results", "gold.fact_procedures",
             "gold.fact_vitals_hourly", "gold.mart_alerts_daily", "gold.mart_alerts_patients", "gold.mart_alerts_vitals",
             "gold.mart_census_daily", "gold.mart_data_completeness", "gold.mart_demographics", "gold.mart_diagnosis_patterns",
             "gold.mart_ehr_access", "gold.mart_los", "gold.mart_readmissions", "gold.mart_vitals_distribution", "gold.patient_risk_snapshot", "gold.pending_patients",
             "gold.seed_charlson_icd10", "gold.seed_condition_groups", "gold.seed_icd10cm_chapters", "gold.seed_planned_codes",
             "gold.seed_restricted_zip3", "gold.seed_snomed_icd10cm", "ingest.acknowledged_keys", "ingest.files", "ingest.idempotency_keys",
             "ingest.silver_pending", "ingest.source_positions", "ops.alert_cursors", "ops.alert_dead_letters", "ops.alert_dedupe", "ops.alert_deliveries",
             "ops.alert_dispatcher_lease", "ops.alert_monitor_samples", "ops.dq_failures", "ops.dq_quarantine", "ops.dq_results", "ops.dq_runs",
             "ops.gold_completeness_history", "ops.mllp_connections", "ops.model_runs", "ops.operational_alerts", "ops.pipeline_events", "ops.readmission_settings", "ops.runs", "ops.schedule_claims",
             "ops.stream_batches", "ops.task_runs", "silver.adt_events",
             "silver.clinical_alerts", "silver.diagnoses", "silver.duplicate_events", "silver.ehr_access", "silver.encounter_locations",
             "silver.encounters", "silver.lab_results", "silver.patient_records", "silver.patient_versions", "silver.patients",
             "silver.procedures", "silver.quarantine", "silver.unsupported_records", "silver.vital_signs"],
            tables.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Concurrent_starts_migrate_once()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Concurrent_starts_migrate_once));
        await using (var reset = NpgsqlDataSource.Create(connectionString))
        {
            await using var drop = reset.CreateCommand("DROP SCHEMA bronze, silver, gold, ingest, ops, carelake CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MigrationRunner.ApplyAsync(dataSource)));

        Assert.Equal(MigrationRunner.All.Count, applied.Sum(a => a.Count));
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_is_refused()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(A_migration_changed_after_it_was_applied_is_refused));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var tamper = dataSource.CreateCommand("UPDATE carelake.schema_migrations SET checksum = 'x' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<WarehouseException>(() => MigrationRunner.ApplyAsync(dataSource));
        Assert.Contains("append-only", e.Message, StringComparison.Ordinal);
    }
}
