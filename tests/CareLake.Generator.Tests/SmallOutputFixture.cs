using System.Text.Json;

namespace CareLake.Generator.Tests;

/// <summary>A small run written once to NDJSON, HL7, FHIR and Synthea CSV, shared by the format tests.</summary>
public sealed class SmallOutputFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SmallOutputFixture()
    {
        Simulator = FileOutputs.Write(FileOutputs.Small, _directory.Path);
    }

    public HospitalSimulator Simulator { get; }

    public string Path(string relative) => System.IO.Path.Combine(_directory.Path, relative);

    public IEnumerable<JsonElement> Ndjson(string topic) =>
        File.ReadLines(Path($"ndjson/{topic}.ndjson")).Select(line => JsonDocument.Parse(line).RootElement);

    public void Dispose() => _directory.Dispose();
}
