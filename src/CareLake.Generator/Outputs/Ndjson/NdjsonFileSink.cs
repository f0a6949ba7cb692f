using CareLake.Core.Contracts;

namespace CareLake.Generator.Outputs.Ndjson;

/// <summary>
/// Writes the contract stream as NDJSON, one file per topic named after it (<c>patient_vitals.ndjson</c>, …),
/// one message per line exactly as it would be published (dirty messages included).
/// </summary>
public sealed class NdjsonFileSink : IContractEventSink
{
    private readonly Dictionary<string, Stream> _files = new(StringComparer.Ordinal);
    private readonly string _directory;

    public NdjsonFileSink(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (var topic in Topics.Inbound) Open(topic);
    }

    public string Description => "ndjson:" + _directory;

    public static string PathFor(string directory, string topic) => Path.Combine(directory, topic + ".ndjson");

    public void Write(GeneratedEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var file = _files.TryGetValue(message.Topic, out var f) ? f : Open(message.Topic);
        file.Write(message.Payload);
        file.WriteByte((byte)'\n');
    }

    public void Complete()
    {
        foreach (var file in _files.Values) file.Flush();
    }

    public void Dispose()
    {
        foreach (var file in _files.Values) file.Dispose();
        _files.Clear();
    }

    private Stream Open(string topic)
    {
        var stream = new FileStream(PathFor(_directory, topic), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        _files[topic] = stream;
        return stream;
    }
}
