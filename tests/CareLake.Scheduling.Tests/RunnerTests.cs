using System.Text.Json.Nodes;
using CareLake.Scheduling.Artifacts;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.History;
using CareLake.Scheduling.Running;
using CareLake.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CareLake.Scheduling.Tests;

public sealed class RunnerTests : IAsyncLifetime
{
    private string _connectionString = "";
    private NpgsqlDataSource _dataSource = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));
    private readonly string _artifacts = Path.Combine(Path.GetTempPath(), "carelake-runner-tests-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("scheduling_runner");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Directory.Exists(_artifacts)) Directory.Delete(_artifacts, recursive: true);
    }

    private DagRunner Runner(int retries = 2) => new(_dataSource, new RunnerSettings(retries, TimeSpan.Zero, TimeSpan.FromMinutes(5), 2, _artifacts), _clock);

    private static DagTask T(string name, Func<Task<TaskResult>> work, params string[] inputs) =>
        new(name, name.StartsWith("gold.", StringComparison.Ordinal) ? DagStage.Gold : DagStage.Export, inputs, (_, _) => work());

    [Fact]
    public async Task A_failing_task_is_retried_then_alerts_and_its_downstream_is_skipped()
    {
        var calls = 0;
        var dag = new Dag([
            T("gold.ok", () => Task.FromResult(new TaskResult(7))),
            T("gold.broken", () => { calls++; throw new InvalidOperationException("relation gold.nowhere does not exist"); }, "gold.ok"),
            T("export.parquet", () => Task.FromResult(TaskResult.None), "gold.broken"),
        ]);

        var run = await Runner(retries: 2).RunAsync(dag, new RunRequest { RunId = "retry-run" });

        Assert.Equal("failed", run.Status);
        Assert.Equal(3, calls);
        var attempts = await Sql.RowsAsync(_connectionString,
            "SELECT task, attempt, status, rows FROM ops.task_runs WHERE run_id = 'retry-run' ORDER BY task_run_id");
        Assert.Equal(
            ["gold.ok 1 succeeded 7", "gold.broken 1 failed ", "gold.broken 2 failed ", "gold.broken 3 failed ", "export.parquet 0 skipped "],
            attempts.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]}"));
        var events = await Sql.RowsAsync(_connectionString,
            "SELECT stage, status FROM ops.pipeline_events WHERE run_id = 'retry-run' AND stage = 'gold.broken' ORDER BY event_id");
        Assert.Equal(["started", "failed", "retrying", "started", "failed", "retrying", "started", "failed"], events.Select(r => (string)r[1]!));
        Assert.Equal("skipped", await Sql.ScalarAsync<string>(_connectionString,
            "SELECT status FROM ops.pipeline_events WHERE run_id = 'retry-run' AND stage = 'export.parquet'"));

        var alert = Assert.Single(await Sql.RowsAsync(_connectionString, "SELECT kind, severity, dedupe_key, reason, source::text FROM ops.operational_alerts"));
        Assert.Equal("task_failed", alert[0]);
        Assert.Equal("high", alert[1]);
        Assert.Equal("task_failed:gold.broken", alert[2]);
        Assert.Contains("after 3 attempt(s)", (string)alert[3]!, StringComparison.Ordinal);
        var source = JsonNode.Parse((string)alert[4]!)!;
        Assert.Equal("ops.task_runs", (string)source["table"]!);
        Assert.Equal("failed", await Sql.ScalarAsync<string>(_connectionString, "SELECT status FROM ops.task_runs WHERE task_run_id = $1", (long)source["id"]!));
    }

    [Fact]
    public async Task A_resumed_run_continues_from_the_failed_step()
    {
        var ran = new List<string>();
        var fixedYet = false;
        Task<TaskResult> Work(string name)
        {
            ran.Add(name);
            if (name == "gold.b" && !fixedYet) throw new InvalidOperationException("disk full");
            return Task.FromResult(new TaskResult(1));
        }

        var dag = new Dag([
            T("gold.a", () => Work("gold.a")),
            T("gold.b", () => Work("gold.b"), "gold.a"),
            T("gold.c", () => Work("gold.c"), "gold.b"),
            T("gold.d", () => Work("gold.d"), "gold.a"),
        ]);
        var first = await Runner(retries: 0).RunAsync(dag, new RunRequest { RunId = "resume-run", Select = ["gold.a+"] });
        Assert.Equal("failed", first.Status);
        Assert.Equal(["gold.a", "gold.b", "gold.d"], ran.Order());

        ran.Clear();
        fixedYet = true;
        var resumed = await Runner(retries: 0).RunAsync(dag, new RunRequest { ResumeRunId = "resume-run" });

        Assert.Equal("succeeded", resumed.Status);
        Assert.Equal("resume-run", resumed.RunId);
        Assert.Equal(["gold.b", "gold.c"], ran);
        Assert.True(resumed.Tasks.Single(t => t.Task == "gold.a").Reused);
        Assert.Equal(2, await Sql.ScalarAsync<int>(_connectionString, "SELECT max(attempt) FROM ops.task_runs WHERE run_id = 'resume-run' AND task = 'gold.b'"));
        Assert.Equal("succeeded", await Sql.ScalarAsync<string>(_connectionString, "SELECT status FROM ops.runs WHERE run_id = 'resume-run'"));
    }

    [Fact]
    public async Task A_blocked_table_skips_what_is_built_from_it_and_the_export()
    {
        var dag = new Dag([
            new DagTask("gold.dim_patient", DagStage.Gold, [], (_, _) => Task.FromResult(new TaskResult(3)), "gold.dim_patient"),
            new DagTask("quality.gold.dim_patient", DagStage.Quality, ["gold.dim_patient"],
                (_, _) => Task.FromResult(new TaskResult(4, ["gold.dim_patient"])), "gold.dim_patient"),
            new DagTask("gold.fact_encounter", DagStage.Gold, ["quality.gold.dim_patient"], (_, _) => Task.FromResult(new TaskResult(5))),
            new DagTask("gold.dim_date", DagStage.Gold, [], (_, _) => Task.FromResult(new TaskResult(6))),
            new DagTask("export.parquet", DagStage.Export, ["gold.fact_encounter", "gold.dim_date"], (_, _) => Task.FromResult(TaskResult.None)),
        ]);

        var run = await Runner().RunAsync(dag, new RunRequest { RunId = "blocked-run" });

        var status = run.Tasks.ToDictionary(t => t.Task, t => (t.Status, t.Error));
        Assert.Equal(TaskRunStatus.Succeeded, status["gold.dim_date"].Status);
        Assert.Equal(TaskRunStatus.Skipped, status["gold.fact_encounter"].Status);
        Assert.Equal("skipped: data quality blocked gold.dim_patient", status["gold.fact_encounter"].Error);
        Assert.Equal(TaskRunStatus.Skipped, status["export.parquet"].Status);
        Assert.Equal(["gold.dim_patient"], run.BlockedTables);
        Assert.Equal(2, await Sql.ScalarAsync<int>(_connectionString,
            "SELECT count(*) FROM ops.pipeline_events WHERE run_id = 'blocked-run' AND status = 'skipped'"));
    }

    [Fact]
    public async Task The_artifact_is_versioned_json_with_every_task()
    {
        var dag = new Dag([T("gold.a", () => Task.FromResult(new TaskResult(12)))]);

        var run = await Runner().RunAsync(dag, new RunRequest { RunId = "artifact-run", Select = ["gold.a"] });

        Assert.Equal(Path.Combine(_artifacts, "artifact-run", "run_results.json"), run.ArtifactPath);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(run.ArtifactPath!))!;
        Assert.Equal(RunArtifact.SchemaVersion, (string)json["schema_version"]!);
        Assert.Equal("succeeded", (string)json["status"]!);
        Assert.Equal(1, (int)json["summary"]!["succeeded"]!);
        var task = json["tasks"]![0]!;
        Assert.Equal("gold.a", (string)task["task"]!);
        Assert.Equal(12, (long)task["rows"]!);
        Assert.Equal(1, (int)task["attempts"]!);
    }

    [Fact]
    public async Task A_task_that_outlives_its_timeout_fails_and_is_retried()
    {
        var calls = 0;
        var started = new SemaphoreSlim(0);
        var dag = new Dag([new DagTask("gold.slow", DagStage.Gold, [], async (_, ct) =>
        {
            calls++;
            started.Release();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return TaskResult.None;
        })]);
        var runner = new DagRunner(_dataSource, new RunnerSettings(1, TimeSpan.Zero, TimeSpan.FromMinutes(10), 1, null), _clock);

        var running = runner.RunAsync(dag, new RunRequest { RunId = "timeout-run" });
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await started.WaitAsync(TimeSpan.FromMinutes(2));
            _clock.Advance(TimeSpan.FromMinutes(11));
        }

        var run = await running;
        Assert.Equal(2, calls);
        Assert.Equal("failed", run.Status);
        Assert.Contains("timed out", run.Tasks.Single().Error, StringComparison.Ordinal);
    }
}
