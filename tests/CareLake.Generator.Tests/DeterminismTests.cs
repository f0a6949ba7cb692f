using CareLake.Generator.DirtyData;

namespace CareLake.Generator.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public void The_same_options_give_byte_identical_ndjson_hl7_fhir_and_csv()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var options = FileOutputs.Small with { DirtyData = DirtyDataOptions.Demo };

        FileOutputs.Write(options, first.Path);
        FileOutputs.Write(options, second.Path);

        var a = FileOutputs.Hashes(first.Path);
        var b = FileOutputs.Hashes(second.Path);
        // NDJSON 6 topics, HL7 adt + oru, FHIR 5 resource types, Synthea 5 tables.
        Assert.Equal(18, a.Count);
        Assert.Equal(a, b);
        Assert.All(a.Keys, f => Assert.True(new FileInfo(Path.Combine(first.Path, f)).Length > 0, f + " is empty"));
    }

    [Fact]
    public void A_different_seed_gives_different_output()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        FileOutputs.Write(FileOutputs.Small, first.Path);
        FileOutputs.Write(FileOutputs.Small with { Seed = 8 }, second.Path);

        var a = FileOutputs.Hashes(first.Path);
        var b = FileOutputs.Hashes(second.Path);
        Assert.All(a.Keys, f => Assert.NotEqual(a[f], b[f]));
    }

    [Fact]
    public void Enumerating_twice_gives_the_same_messages_and_summary()
    {
        var simulator = new HospitalSimulator(FileOutputs.Small with { Days = 20 });
        var first = simulator.Events().Select(e => (e.Topic, e.Key, Convert.ToBase64String(e.Payload))).ToList();
        var firstReadmissions = (simulator.Summary.ReadmissionIndexStays, simulator.Summary.EmittedEvents);
        var second = simulator.Events().Select(e => (e.Topic, e.Key, Convert.ToBase64String(e.Payload))).ToList();

        Assert.Equal(first, second);
        Assert.Equal(firstReadmissions, (simulator.Summary.ReadmissionIndexStays, simulator.Summary.EmittedEvents));
    }

    [Fact]
    public void Patients_do_not_depend_on_the_population_size()
    {
        // Each patient draws from their own random stream: a bigger population adds patients without changing the first ones.
        var small = new HospitalSimulator(FileOutputs.Small with { Patients = 100 });
        var large = new HospitalSimulator(FileOutputs.Small with { Patients = 300 });
        _ = small.ClinicalEvents().Count();
        _ = large.ClinicalEvents().Count();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(small.Population![i].Mrn, large.Population![i].Mrn);
            Assert.Equal(small.Population[i].History[0].Demographics, large.Population[i].History[0].Demographics);
        }
    }
}
