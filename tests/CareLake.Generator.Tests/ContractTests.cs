using CareLake.Core.Contracts;

namespace CareLake.Generator.Tests;

/// <summary>With dirty data off, every message follows reference/event-contracts.md.</summary>
[Collection(PopulationCollection.Name)]
public sealed class ContractTests(PopulationFixture population)
{
    [Fact]
    public void Every_message_has_the_contract_fields_with_the_right_types_and_vitals_pass_the_core_parser()
    {
        Assert.True(population.ProblemCount == 0, $"{population.ProblemCount} invalid messages, e.g.:\n{string.Join("\n", population.Problems)}");
    }

    [Fact]
    public void Every_contract_event_type_occurs()
    {
        var expected = EventTypes.Adt.Concat([EventTypes.Diagnosis, EventTypes.Procedure, EventTypes.LabResult, EventTypes.VitalSigns, EventTypes.EhrAccess]);
        Assert.Empty(expected.Except(population.TypesSeen));
    }

    [Fact]
    public void Messages_come_in_occurred_at_order_with_unique_event_ids_keyed_by_patient()
    {
        Assert.Equal(0, population.OutOfOrder);
        Assert.Equal(0, population.DuplicateIds);
        Assert.Equal(0, population.WrongKeys);
    }

    [Fact]
    public void The_summary_counts_what_was_emitted()
    {
        Assert.Equal(population.Messages, population.Summary.EmittedEvents);
        foreach (var (type, count) in population.MessagesByType) Assert.Equal(count, population.Summary.EmittedByType[type]);
        Assert.True(population.Summary.IsComplete);
    }

    [Fact]
    public void Identifiers_are_unique_and_shaped_like_real_ones()
    {
        var patients = population.Population.Patients;
        Assert.Equal(patients.Count, patients.Select(p => p.Mrn).Distinct().Count());
        Assert.Equal(patients.Count, patients.Select(p => p.History[0].Demographics.Ssn).Distinct().Count());
        Assert.All(patients, p => Assert.Matches(@"^MRN\d{7}$", p.Mrn));
        Assert.All(patients, p => Assert.Matches(@"^9\d{2}-\d{2}-\d{4}$", p.Demographics.Ssn));
        Assert.All(patients, p => Assert.Matches(@"^\d{3}-555-\d{4}$", p.Demographics.Phone));
        Assert.All(patients, p => Assert.Matches(@"^\d{5}$", p.Demographics.Address.PostalCode));
        Assert.All(population.Stays.All, s => Assert.Matches(@"^V\d{10}$", s.EncounterId));
        Assert.Contains(patients, p => p.IsVip);
        Assert.Contains(patients, p => p.EmployeeUserId is not null);
    }

    [Fact]
    public void Demographics_follow_us_distributions()
    {
        var patients = population.Population.Patients;
        double Share(Func<Population.SimulatedPatient, bool> predicate) => (double)patients.Count(predicate) / patients.Count;
        Assert.InRange(Share(p => p.Sex == Model.Sex.Female), 0.47, 0.54);
        Assert.InRange(Share(p => p.Demographics.Ethnicity == Model.Ethnicity.Hispanic), 0.16, 0.22);
        Assert.InRange(Share(p => p.AgeAtStart >= 65), 0.17, 0.27);
        Assert.InRange(Share(p => p.Demographics.Address.State == "CA"), 0.09, 0.15);
        Assert.True(patients.Select(p => p.Demographics.Address.State).Distinct().Count() >= 45);
        Assert.Contains(patients, p => p.Demographics.Address.PostalCode.StartsWith("036", StringComparison.Ordinal) ||
                                       p.Demographics.Address.PostalCode.StartsWith("893", StringComparison.Ordinal) ||
                                       p.Demographics.Address.PostalCode.StartsWith("692", StringComparison.Ordinal) ||
                                       p.Demographics.Address.PostalCode.StartsWith("878", StringComparison.Ordinal));
    }
}
