using System.Text.Json.Nodes;
using Npgsql;

namespace CareLake.Quality.Tests;

public sealed class ReportTests(ReportDatabase database) : IClassFixture<ReportDatabase>
{
    [Fact]
    public async Task The_report_is_one_self_contained_page_and_a_versioned_artifact_with_every_failing_row()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_report");
        var suite = table.Suite("- type: not_null\n  column: name\n- type: row_count\n  min: 1");
        await table.RunAsync(suite, "first");
        await table.ExecuteAsync("UPDATE {schema}.items SET name = NULL WHERE id IN (1, 3)");
        var outcome = await table.RunAsync(suite, "second");

        await using var dataSource = NpgsqlDataSource.Create(table.ConnectionString);
        var data = await QualityReport.LoadAsync(dataSource);
        var dir = Path.Combine(Path.GetTempPath(), "carelake-dq-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            await QualityReport.WriteAsync(data, dir);
            var html = await File.ReadAllTextAsync(Path.Combine(dir, "index.html"));
            Assert.Contains("dq_report.items", html, StringComparison.Ordinal);
            Assert.Contains("{&quot;id&quot;: 3}", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

            var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "dq_run.json")))!;
            Assert.Equal(QualityReport.ArtifactVersion, (int)json["version"]!);
            Assert.Equal(outcome.DqRunId, (long)json["run"]!["dq_run_id"]!);
            var notNull = json["results"]!.AsArray().Single(r => (string)r!["check"]! == "not_null_name")!;
            Assert.Equal("failed", (string)notNull["status"]!);
            Assert.Equal([1, 3], notNull["failures"]!.AsArray().Select(f => (int)f!["id"]!).Order());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
