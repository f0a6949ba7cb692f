using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Fhir;
using CareLake.Generator.Outputs.Hl7;
using CareLake.Generator.Outputs.Ndjson;
using CareLake.Generator.Outputs.SyntheaCsv;

namespace CareLake.Generator.Tests;

/// <summary>Runs a simulation into all four file formats at once.</summary>
internal static class FileOutputs
{
    public static readonly GeneratorOptions Small = GeneratorOptions.Preset("tiny") with
    {
        Patients = 600,
        Days = 60,
        Seed = 7,
        Start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)),
    };

    public static HospitalSimulator Write(GeneratorOptions options, string directory)
    {
        var simulator = new HospitalSimulator(options);
        var clinical = new List<IClinicalEventSink>
        {
            new Hl7FileSink(Path.Combine(directory, "hl7"), options.FacilityId, simulator.RunTag),
            new FhirBulkSink(Path.Combine(directory, "fhir"), options.FacilityId),
            new SyntheaCsvSink(Path.Combine(directory, "csv"), options.FacilityId),
        };
        var contract = new List<IContractEventSink> { new NdjsonFileSink(Path.Combine(directory, "ndjson")) };
        try
        {
            new GeneratorRun(simulator, clinical, contract).Run();
        }
        finally
        {
            foreach (var sink in clinical) sink.Dispose();
            foreach (var sink in contract) sink.Dispose();
        }

        return simulator;
    }

    /// <summary>Relative path → SHA-256 of every file under the directory.</summary>
    public static SortedDictionary<string, string> Hashes(string directory) =>
        new(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))),
            StringComparer.Ordinal);
}
