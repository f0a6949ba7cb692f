using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CareLake.Quality;

/// <summary>Reads a suite from its YAML (format in docs/quality.md). Pure: no I/O.</summary>
public static partial class QualitySuiteParser
{
    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*$")]
    private static partial Regex TablePattern();

    public static bool IsIdentifier(string name) => IdentifierPattern().IsMatch(name);

    public static bool IsTableName(string name) => TablePattern().IsMatch(name);

    /// <param name="origin">Where the text comes from, for messages (e.g. <c>Gold/Models/fact_encounter.yml</c>).</param>
    /// <param name="defaultTable">The table when the file does not name one (a gold model's file is named after its table).</param>
    /// <exception cref="QualitySuiteException">The YAML is malformed or a check is incomplete.</exception>
    public static QualitySuite Parse(string yaml, string origin, string? defaultTable = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new QualitySuiteException($"{origin}: not valid YAML ({e.Message}).", e);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new QualitySuiteException($"{origin}: a suite is one YAML mapping with 'table', 'key' and 'checks'.");
        }

        Fail fail = message => new QualitySuiteException($"{origin}: {message}");
        AllowOnly(root, fail, "table", "key", "checks", "description");
        var table = Text(root, "table") ?? defaultTable ?? throw fail("'table' is missing.");
        if (!IsTableName(table)) throw fail($"'table' must be schema.table in lower case, not '{table}'.");
        var key = List(root, "key", fail);
        foreach (var k in key) RequireIdentifier(k, "key", fail);
        if (Get(root, "checks") is not YamlSequenceNode checksNode) throw fail("'checks' must be a list.");

        var checks = new List<QualityCheck>();
        var index = 0;
        foreach (var node in checksNode)
        {
            index++;
            if (node is not YamlMappingNode c) throw fail($"check {index} must be a mapping.");
            checks.Add(ParseCheck(c, index, key, fail));
        }

        var duplicate = checks.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw fail($"two checks are called '{duplicate.Key}'; give one a 'name'.");
        return new QualitySuite(table, table, key, checks, origin);
    }

    private delegate QualitySuiteException Fail(string message);

    private static QualityCheck ParseCheck(YamlMappingNode c, int index, IReadOnlyList<string> key, Fail fail)
    {
        var type = Text(c, "type") ?? throw fail($"check {index} has no 'type' (one of {string.Join(", ", CheckTypes.All)}).");
        if (!CheckTypes.All.Contains(type)) throw fail($"check {index} has type '{type}'; types are {string.Join(", ", CheckTypes.All)}.");
        AllowOnly(c, fail, "name", "type", "severity", "column", "columns", "values", "min", "max", "pattern", "to", "field",
            "max_age_hours", "metric", "runs", "max_z", "sql", "where", "description");
        var column = Text(c, "column");
        if (column is not null) RequireIdentifier(column, "column", fail);
        var name = Text(c, "name") ?? (column is null ? type : $"{type}_{column}");
        if (!IsIdentifier(name)) throw fail($"check name '{name}' must be lower case letters, digits and underscores.");
        var severity = Text(c, "severity") switch
        {
            null or "error" => QualitySeverity.Error,
            "warn" => QualitySeverity.Warn,
            "quarantine" => QualitySeverity.Quarantine,
            var s => throw fail($"check {name}: severity '{s}' is not warn, error or quarantine."),
        };
        var check = new QualityCheck
        {
            Name = name,
            Type = type,
            Severity = severity,
            Column = column,
            Columns = List(c, "columns", fail),
            Values = List(c, "values", fail),
            Min = Number(c, "min", fail),
            Max = Number(c, "max", fail),
            Pattern = Text(c, "pattern"),
            To = Text(c, "to"),
            Field = Text(c, "field"),
            MaxAgeHours = Number(c, "max_age_hours", fail),
            Metric = Text(c, "metric") ?? "mean",
            Runs = Number(c, "runs", fail) is { } r ? (int)r : null,
            MaxZ = Number(c, "max_z", fail) ?? 3,
            Sql = Text(c, "sql"),
            Where = Text(c, "where"),
        };
        foreach (var col in check.Columns) RequireIdentifier(col, "columns", fail);
        if (type == CheckTypes.Unique && check.Columns.Count == 0)
        {
            check = check with { Columns = column is null ? throw fail($"check {name}: unique needs 'column' or 'columns'.") : [column] };
        }

        string Need(string? value, string field) => value ?? throw fail($"check {name}: {type} needs '{field}'.");
        switch (type)
        {
            case CheckTypes.NotNull or CheckTypes.NullPct or CheckTypes.Freshness:
                Need(column, "column");
                break;
            case CheckTypes.AcceptedValues:
                Need(column, "column");
                if (check.Values.Count == 0) throw fail($"check {name}: accepted_values needs a non-empty 'values' list.");
                break;
            case CheckTypes.Range:
                Need(column, "column");
                if (check.Min is null && check.Max is null) throw fail($"check {name}: range needs 'min', 'max' or both.");
                break;
            case CheckTypes.Regex:
                Need(column, "column");
                Need(check.Pattern, "pattern");
                break;
            case CheckTypes.Relationships:
                Need(column, "column");
                if (!IsTableName(Need(check.To, "to"))) throw fail($"check {name}: 'to' must be schema.table.");
                RequireIdentifier(check = check with { Field = check.Field ?? column }, fail);
                break;
            case CheckTypes.CustomSql:
                Need(check.Sql, "sql");
                if (key.Count == 0) throw fail($"check {name}: custom_sql needs the suite's 'key' to name failing rows.");
                break;
            case CheckTypes.Drift:
                if (check.Metric is not ("mean" or "null_pct" or "row_count")) throw fail($"check {name}: drift metric must be mean, null_pct or row_count.");
                if (check.Metric != "row_count") Need(column, "column");
                if (check.Runs is < 2) throw fail($"check {name}: drift needs 'runs' of at least 2.");
                break;
        }

        if (type == CheckTypes.NullPct && check.Max is null) throw fail($"check {name}: null_pct needs 'max' (a percentage).");
        if (type == CheckTypes.Freshness && check.MaxAgeHours is null) throw fail($"check {name}: freshness needs 'max_age_hours'.");
        if (severity == QualitySeverity.Quarantine && !check.IsRowLevel) throw fail($"check {name}: only row-level checks can quarantine ({type} measures the whole table).");
        if (severity == QualitySeverity.Quarantine && key.Count == 0) throw fail($"check {name}: quarantine needs the suite's 'key'.");
        return check;
    }

    private static void RequireIdentifier(QualityCheck check, Fail fail) => RequireIdentifier(check.Field!, "field", fail);

    private static void RequireIdentifier(string name, string field, Fail fail)
    {
        if (!IsIdentifier(name)) throw fail($"'{field}' value '{name}' must be a lower-case column name.");
    }

    private static void AllowOnly(YamlMappingNode node, Fail fail, params string[] keys)
    {
        foreach (var k in node.Children.Keys)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!keys.Contains(name)) throw fail($"unknown key '{name}' (expected one of {string.Join(", ", keys)}).");
        }
    }

    private static YamlNode? Get(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlMappingNode node, string key) => Get(node, key) is YamlScalarNode { Value: { Length: > 0 } v } ? v : null;

    private static double? Number(YamlMappingNode node, string key, Fail fail)
    {
        if (Text(node, key) is not { } text) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw fail($"'{key}' must be a number, not '{text}'.");
    }

    private static List<string> List(YamlMappingNode node, string key, Fail fail) => Get(node, key) switch
    {
        null => [],
        YamlScalarNode { Value: { } v } => [v],
        YamlSequenceNode seq => seq.Select(n => n is YamlScalarNode { Value: { } s } ? s : throw fail($"'{key}' must be a list of plain values.")).ToList(),
        _ => throw fail($"'{key}' must be a list."),
    };
}
