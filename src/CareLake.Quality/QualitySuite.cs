namespace CareLake.Quality;

/// <summary>What a failing check does: <c>warn</c> records it, <c>error</c> blocks what reads the table, <c>quarantine</c> moves the failing rows aside.</summary>
public enum QualitySeverity
{
    Warn,
    Error,
    Quarantine,
}

/// <summary>The kinds of expectation a suite can hold.</summary>
public static class CheckTypes
{
    public const string NotNull = "not_null";
    public const string Unique = "unique";
    public const string AcceptedValues = "accepted_values";
    public const string Range = "range";
    public const string Regex = "regex";
    public const string Relationships = "relationships";
    public const string RowCount = "row_count";
    public const string Freshness = "freshness";
    public const string NullPct = "null_pct";
    public const string Drift = "drift";
    public const string CustomSql = "custom_sql";

    public static IReadOnlyList<string> All { get; } = [NotNull, Unique, AcceptedValues, Range, Regex, Relationships, RowCount, Freshness, NullPct, Drift, CustomSql];

    /// <summary>Checks that judge single rows: they name failing rows, may quarantine them, and run on stream micro-batches (all but <c>unique</c> and <c>relationships</c>).</summary>
    public static bool IsRowLevel(string type) => type is NotNull or Unique or AcceptedValues or Range or Regex or Relationships or CustomSql;

    /// <summary>Row-level checks that can judge a row alone, without the rest of the table: what stream applies to its micro-batches.</summary>
    public static bool IsPerRow(string type) => type is NotNull or AcceptedValues or Range or Regex or CustomSql;
}

/// <summary>One expectation of a suite. Which fields apply depends on <see cref="Type"/> (docs/quality.md lists them).</summary>
public sealed record QualityCheck
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public QualitySeverity Severity { get; init; } = QualitySeverity.Error;
    public string? Column { get; init; }

    /// <summary><c>unique</c>: the columns whose combination must be unique (default: <see cref="Column"/>).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary><c>accepted_values</c>.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary><c>range</c> (bounds of the value), <c>row_count</c> (bounds of the count), <c>null_pct</c> (<see cref="Max"/>: the highest null percentage).</summary>
    public double? Min { get; init; }
    public double? Max { get; init; }

    /// <summary><c>regex</c>: a POSIX regular expression every non-null value must match.</summary>
    public string? Pattern { get; init; }

    /// <summary><c>relationships</c>: the table and column every non-null value must be found in.</summary>
    public string? To { get; init; }
    public string? Field { get; init; }

    /// <summary><c>freshness</c>: the newest value of <see cref="Column"/> must be at most this many hours old.</summary>
    public double? MaxAgeHours { get; init; }

    /// <summary><c>drift</c>: the measure compared (<c>mean</c>, <c>null_pct</c> or <c>row_count</c>), the runs compared against, the largest z-score accepted.</summary>
    public string Metric { get; init; } = "mean";
    public int? Runs { get; init; }
    public double MaxZ { get; init; } = 3;

    /// <summary><c>custom_sql</c>: a query returning the failing rows (at least the suite's key columns).</summary>
    public string? Sql { get; init; }

    /// <summary>Optional filter: only rows matching this SQL condition are checked (trusted, from the suite file).</summary>
    public string? Where { get; init; }

    public bool IsRowLevel => CheckTypes.IsRowLevel(Type);

    /// <summary>The threshold in words, for the history and the report.</summary>
    public string Threshold => Type switch
    {
        CheckTypes.NotNull => $"{Column} is not null",
        CheckTypes.Unique => $"({string.Join(", ", Columns)}) unique",
        CheckTypes.AcceptedValues => $"{Column} in [{string.Join(", ", Values)}]",
        CheckTypes.Range => $"{Column} in [{Min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-∞"}, {Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"}]",
        CheckTypes.Regex => $"{Column} ~ {Pattern}",
        CheckTypes.Relationships => $"{Column} in {To}.{Field}",
        CheckTypes.RowCount => $"rows in [{Min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0"}, {Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"}]",
        CheckTypes.Freshness => $"max({Column}) at most {MaxAgeHours?.ToString(System.Globalization.CultureInfo.InvariantCulture)} h old",
        CheckTypes.NullPct => $"{Column} null % ≤ {Max?.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
        CheckTypes.Drift => $"|z| of {Metric}({Column ?? "*"}) ≤ {MaxZ.ToString(System.Globalization.CultureInfo.InvariantCulture)} over the last {Runs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "N"} runs",
        CheckTypes.CustomSql => "the query returns no rows",
        _ => Type,
    };
}

/// <summary>The expectations of one table, read from a YAML file beside the table's model or layer.</summary>
/// <param name="Name">The suite's name: the table it checks, e.g. <c>silver.vital_signs</c>.</param>
/// <param name="Table">The schema-qualified table, e.g. <c>silver.vital_signs</c>.</param>
/// <param name="Key">Columns that identify a row: recorded for every failing row.</param>
/// <param name="Origin">Where the suite was read from.</param>
public sealed record QualitySuite(string Name, string Table, IReadOnlyList<string> Key, IReadOnlyList<QualityCheck> Checks, string Origin)
{
    public string Schema => Table[..Table.IndexOf('.', StringComparison.Ordinal)];
    public string TableName => Table[(Table.IndexOf('.', StringComparison.Ordinal) + 1)..];
}

/// <summary>A suite file is not valid; the message names the file and the problem.</summary>
public sealed class QualitySuiteException : Exception
{
    public QualitySuiteException(string message) : base(message) { }
    public QualitySuiteException(string message, Exception inner) : base(message, inner) { }
    public QualitySuiteException() { }
}
