using CareLake.Generator;
using CareLake.Generator.DirtyData;
using CareLake.Streaming.Rebuild;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

public class WarehouseRebuildTests
{
    // Columns that say when (or in which order) a row was written, not what it holds; a rebuild writes them anew.
    private static readonly string[] WrittenAt = ["id", "alert_id", "processed_at", "updated_at", "recorded_at", "quarantined_at", "detected_at", "raised_at", "created_at"];

    [Fact]
    public async Task A_rebuild_from_bronze_gives_the_same_silver_and_gold()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_rebuild_from_bronze_gives_the_same_silver_and_gold));
        var generator = new HospitalSimulator(new GeneratorOptions
        {
            Patients = 300,
            Days = 30,
            Seed = 99,
            Start = new DateTimeOffset(2026, 6, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
            DirtyData = DirtyDataOptions.Demo,
        });
        var messages = GeneratorFeed.Messages(generator.Events(), TimeProvider.System).ToList();
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });

        // Streamed in small batches, so silver was built incrementally, with late, repeated and broken events, and gold
        // built incrementally between the two halves.
        await new FeedStreamWorker(pipeline, GeneratorFeed.SourceName, "first", batchMaxMessages: 700).RunAsync(messages.Take(messages.Count / 2), CancellationToken.None);
        await RunGoldAsync(dataSource);
        await new FeedStreamWorker(pipeline, GeneratorFeed.SourceName, "second", batchMaxMessages: 700).RunAsync(messages, CancellationToken.None);
        await RunGoldAsync(dataSource);
        var before = await ContentsAsync(cs);
        Assert.True(before["silver.quarantine"].Count > 0, "the dirty stream should quarantine something");
        Assert.True(before["silver.encounters"].Count > 0);
        Assert.True(before["gold.dim_patient"].Count > 0);

        var rebuild = new WarehouseRebuild(pipeline, batchMaxMessages: 5000);
        await rebuild.RunAsync(CancellationToken.None);

        Assert.Equal(messages.Count, rebuild.Retyped);
        Assert.Equal(messages.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events")); // nothing landed twice
        var after = await ContentsAsync(cs);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (table, rows) in before)
        {
            var gone = rows.Except(after[table]).Take(3);
            var added = after[table].Except(rows).Take(3);
            Assert.True(rows.SequenceEqual(after[table]),
                $"{table} differs after the rebuild ({rows.Count} rows before, {after[table].Count} after): before only {string.Join(" | ", gone)}; after only {string.Join(" | ", added)}");
        }
    }

    private static async Task RunGoldAsync(NpgsqlDataSource dataSource)
    {
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
        Assert.All(runs, r => Assert.Equal(GoldRunStatus.Success, r.Status));
    }

    /// <summary>Every silver and gold table's rows as sorted JSON, without the columns saying when they were written.</summary>
    private static async Task<Dictionary<string, List<string>>> ContentsAsync(string cs)
    {
        var tables = await Sql.RowsAsync(cs, "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('silver', 'gold') AND tablename NOT IN ('pending_patients', 'changed_patients')");
        var contents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables.Select(t => (string)t[0]!))
        {
            // The completeness mart's measured_at is when it counted; elsewhere measured_at is a clinical time, kept.
            string[] writtenAt = table == "gold.mart_data_completeness" ? [.. WrittenAt, "measured_at"] : WrittenAt;
            var rows = await Sql.RowsAsync(cs, $"SELECT (to_jsonb(t) - $1::text[])::text AS r FROM {table} t ORDER BY r", [writtenAt]);
            contents[table] = rows.Select(r => (string)r[0]!).ToList();
        }

        return contents;
    }
}
