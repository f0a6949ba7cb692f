namespace CareLake.Scheduling.Graph;

/// <summary>A selection that names no task, or a DAG whose dependencies are wrong.</summary>
public sealed class DagException(string message) : Exception(message);

/// <summary>Tasks in dependency order, each after every task it depends on.</summary>
public sealed class Dag
{
    private readonly Dictionary<string, DagTask> _byName;

    /// <exception cref="DagException">Two tasks share a name, a task depends on an unknown task, or the dependencies form a cycle.</exception>
    public Dag(IEnumerable<DagTask> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var list = tasks.ToList();
        _byName = new Dictionary<string, DagTask>(StringComparer.Ordinal);
        foreach (var task in list)
        {
            if (!_byName.TryAdd(task.Name, task)) throw new DagException($"Two tasks are named {task.Name}.");
        }

        foreach (var task in list)
        {
            foreach (var input in task.DependsOn)
            {
                if (!_byName.ContainsKey(input)) throw new DagException($"Task {task.Name} depends on {input}, which is not a task.");
            }
        }

        Tasks = Order(list);
    }

    /// <summary>Every task, each after its inputs; ties keep the order they were given in.</summary>
    public IReadOnlyList<DagTask> Tasks { get; }

    public DagTask this[string name] => _byName[name];

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tasks downstream of <paramref name="name"/> (not including it).</summary>
    public IReadOnlySet<string> Downstream(string name)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var frontier = new Queue<string>([name]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var task in Tasks)
            {
                if (task.DependsOn.Contains(current, StringComparer.Ordinal) && found.Add(task.Name)) frontier.Enqueue(task.Name);
            }
        }

        return found;
    }

    /// <summary>The tasks upstream of <paramref name="name"/> (not including it).</summary>
    public IReadOnlySet<string> Upstream(string name)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var frontier = new Queue<string>([name]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var input in _byName[current].DependsOn)
            {
                if (found.Add(input)) frontier.Enqueue(input);
            }
        }

        return found;
    }

    /// <summary>
    /// The sub-DAG a selection names: <c>TASK</c> (that task), <c>TASK+</c> (it and everything downstream),
    /// <c>+TASK</c> (it and everything upstream), or a stage (<c>source</c>, <c>silver</c>, <c>gold</c>,
    /// <c>quality</c>, <c>export</c>) for all of its tasks. A gold model may be named without its <c>gold.</c>
    /// prefix. Dependencies between selected tasks are kept; those on unselected tasks are dropped (they are taken
    /// to be done). Empty: the whole DAG.
    /// </summary>
    /// <exception cref="DagException">A selector names no task.</exception>
    public Dag Select(IReadOnlyList<string> selectors)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        var parts = selectors.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (parts.Count == 0) return this;
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var downstream = part.EndsWith('+');
            var upstream = part.StartsWith('+');
            var name = part.Trim('+');
            if (Enum.TryParse<DagStage>(name, ignoreCase: true, out var stage) && !_byName.ContainsKey(name))
            {
                chosen.UnionWith(Tasks.Where(t => t.Stage == stage).Select(t => t.Name));
                continue;
            }

            if (!_byName.ContainsKey(name) && _byName.ContainsKey("gold." + name)) name = "gold." + name;
            if (!_byName.ContainsKey(name)) throw new DagException($"--select {part}: there is no task {name}. Tasks: {string.Join(", ", Tasks.Select(t => t.Name))}.");
            chosen.Add(name);
            if (downstream) chosen.UnionWith(Downstream(name));
            if (upstream) chosen.UnionWith(Upstream(name));
        }

        return new Dag(Tasks.Where(t => chosen.Contains(t.Name))
            .Select(t => t with { DependsOn = t.DependsOn.Where(chosen.Contains).ToList() }));
    }

    private static List<DagTask> Order(List<DagTask> tasks)
    {
        var ordered = new List<DagTask>(tasks.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<DagTask>(tasks);
        while (remaining.Count > 0)
        {
            var ready = remaining.FirstOrDefault(t => t.DependsOn.All(done.Contains))
                ?? throw new DagException($"The tasks {string.Join(", ", remaining.Select(t => t.Name))} depend on each other in a cycle.");
            ordered.Add(ready);
            done.Add(ready.Name);
            remaining.Remove(ready);
        }

        return ordered;
    }
}
