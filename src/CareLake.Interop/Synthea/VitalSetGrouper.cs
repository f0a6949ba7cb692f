using System.Text;

namespace CareLake.Interop.Synthea;

/// <summary>
/// Groups the rows of <c>observations.csv</c> into records: the vital-sign rows of one (PATIENT, ENCOUNTER, DATE) form
/// one record, their lines joined with <c>\n</c>; every other row is a record of its own. Synthea writes the rows of
/// patients simulated in parallel interleaved, so a set's rows need not be adjacent: a set collects its rows for
/// <see cref="WindowRows"/> rows from its first one (a later row of the same key starts a new set). Records come out in
/// the order of their first row, so the same file always gives the same records; at most a window's rows are held.
/// </summary>
internal sealed class VitalSetGrouper(SyntheaColumns? columns)
{
    /// <summary>How many rows after its first row a vital-sign set still takes rows of its key.</summary>
    public const int WindowRows = 1024;

    private readonly int? _date = columns?.IndexOf("DATE");
    private readonly int? _patient = columns?.IndexOf("PATIENT");
    private readonly int? _encounter = columns?.IndexOf("ENCOUNTER");
    private readonly int? _category = columns?.IndexOf("CATEGORY");
    private readonly int? _code = columns?.IndexOf("CODE");

    /// <summary>Rows and sets in the order of their first row, not yet given out.</summary>
    private readonly Queue<Pending> _pending = new();

    /// <summary>The sets still taking rows, oldest first.</summary>
    private readonly Queue<VitalSet> _openSets = new();

    private readonly Dictionary<VitalSetKey, VitalSet> _openByKey = [];
    private long _rowIndex;

    /// <summary>Takes the next row; returns the records that are complete.</summary>
    public IEnumerable<byte[]> Add(byte[] row)
    {
        var index = _rowIndex++;
        CloseSetsOlderThan(index - WindowRows);
        if (VitalSetKeyOf(row) is not { } key)
        {
            _pending.Enqueue(new Pending(row, null));
        }
        else if (_openByKey.TryGetValue(key, out var open))
        {
            open.Rows.Add(row);
        }
        else
        {
            var set = new VitalSet(key, index, [row]);
            _openByKey.Add(key, set);
            _openSets.Enqueue(set);
            _pending.Enqueue(new Pending(null, set));
        }

        return Drain();
    }

    /// <summary>Closes every set at the end of the file; returns the remaining records.</summary>
    public IEnumerable<byte[]> Complete()
    {
        CloseSetsOlderThan(long.MaxValue);
        return Drain();
    }

    private void CloseSetsOlderThan(long firstRow)
    {
        while (_openSets.TryPeek(out var oldest) && oldest.FirstRow <= firstRow)
        {
            _openSets.Dequeue();
            _openByKey.Remove(oldest.Key);
            oldest.Closed = true;
        }
    }

    private List<byte[]> Drain()
    {
        var ready = new List<byte[]>();
        while (_pending.TryPeek(out var next) && (next.Set is null || next.Set.Closed))
        {
            _pending.Dequeue();
            ready.Add(next.Row ?? Join(next.Set!.Rows));
        }

        return ready;
    }

    private VitalSetKey? VitalSetKeyOf(byte[] row)
    {
        var fields = CsvText.Records(Encoding.UTF8.GetString(row)) is [var only] ? only : [];
        var category = _category is null ? null : Field(fields, _category) ?? "";
        return SyntheaVitalCodes.IsVitalSign(category, Field(fields, _code))
            ? new VitalSetKey(Field(fields, _patient), Field(fields, _encounter), Field(fields, _date))
            : null;
    }

    private static string? Field(string[] fields, int? index) => index is { } i && i < fields.Length ? fields[i] : null;

    private static byte[] Join(List<byte[]> rows)
    {
        if (rows.Count == 1) return rows[0];
        var joined = new byte[rows.Sum(r => r.Length) + rows.Count - 1];
        var at = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0) joined[at++] = (byte)'\n';
            rows[i].CopyTo(joined, at);
            at += rows[i].Length;
        }

        return joined;
    }

    private sealed record VitalSetKey(string? Patient, string? Encounter, string? Date);

    private sealed class VitalSet(VitalSetKey key, long firstRow, List<byte[]> rows)
    {
        public VitalSetKey Key { get; } = key;
        public long FirstRow { get; } = firstRow;
        public List<byte[]> Rows { get; } = rows;
        public bool Closed { get; set; }
    }

    private readonly record struct Pending(byte[]? Row, VitalSet? Set);
}
