using CareLake.Scheduling.Graph;

namespace CareLake.Scheduling.Tests;

public class DagTests
{
    private static DagTask T(string name, DagStage stage, params string[] inputs) =>
        new(name, stage, inputs, (_, _) => Task.FromResult(TaskResult.None));

    private static readonly Dag Sample = new([
        T("export.parquet", DagStage.Export, "gold.b", "gold.c"),
        T("gold.c", DagStage.Gold, "gold.a"),
        T("gold.b", DagStage.Gold, "gold.a"),
        T("gold.a", DagStage.Gold, "silver.drain"),
        T("silver.drain", DagStage.Silver),
    ]);

    [Fact]
    public void Tasks_come_after_their_inputs()
    {
        Assert.Equal(["silver.drain", "gold.a", "gold.c", "gold.b", "export.parquet"], Sample.Tasks.Select(t => t.Name));
    }

    [Fact]
    public void A_selection_takes_a_task_its_downstream_its_upstream_or_a_stage()
    {
        Assert.Equal(["gold.a"], Sample.Select(["a"]).Tasks.Select(t => t.Name));
        Assert.Equal(["gold.a", "gold.c", "gold.b", "export.parquet"], Sample.Select(["gold.a+"]).Tasks.Select(t => t.Name));
        Assert.Equal(["silver.drain", "gold.a", "gold.b"], Sample.Select(["+b"]).Tasks.Select(t => t.Name));
        Assert.Equal(["gold.a", "gold.c", "gold.b"], Sample.Select(["gold"]).Tasks.Select(t => t.Name));
        Assert.Empty(Sample.Select(["gold.b"]).Tasks.Single().DependsOn);
    }

    [Fact]
    public void Unknown_tasks_and_cycles_are_refused()
    {
        Assert.Contains("there is no task zzz", Assert.Throws<DagException>(() => Sample.Select(["zzz"])).Message, StringComparison.Ordinal);
        Assert.Contains("cycle", Assert.Throws<DagException>(() => new Dag([T("a", DagStage.Gold, "b"), T("b", DagStage.Gold, "a")])).Message, StringComparison.Ordinal);
        Assert.Contains("not a task", Assert.Throws<DagException>(() => new Dag([T("a", DagStage.Gold, "x")])).Message, StringComparison.Ordinal);
    }
}
