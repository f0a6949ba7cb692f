namespace CareLake.Alerting;

/// <summary>
/// The ids above each source's cursor that a dispatcher saw handled (their <c>*</c> delivery committed), so a pass reads
/// only the rows still open instead of probing every row the cursor has not yet passed. Forgets ids as the cursor passes
/// them. Thread-safe.
/// </summary>
internal sealed class HandledIds
{
    private readonly Dictionary<AlertSource, HashSet<long>> _ids = new()
    {
        [AlertSource.Clinical] = [],
        [AlertSource.Operational] = [],
        [AlertSource.Pipeline] = [],
    };

    public void Add(AlertSource source, long id)
    {
        lock (_ids) _ids[source].Add(id);
    }

    /// <summary>
    /// Of <paramref name="idsAboveCursor"/> (ascending), the first <paramref name="limit"/> not seen handled; forgets the
    /// ids at or below <paramref name="cursor"/>.
    /// </summary>
    public long[] Open(AlertSource source, long cursor, IReadOnlyList<long> idsAboveCursor, int limit)
    {
        lock (_ids)
        {
            var handled = _ids[source];
            handled.RemoveWhere(id => id <= cursor);
            return idsAboveCursor.Where(id => !handled.Contains(id)).Take(limit).ToArray();
        }
    }
}
