using Xunit.Abstractions;

namespace CareLake.Generator.Tests;

/// <summary>The procedures of one generated year, read back from the <c>patient_procedures</c> messages.</summary>
[Collection(PopulationCollection.Name)]
public sealed class ProcedureTests(PopulationFixture population, ITestOutputHelper output)
{
    private static readonly string[] CtHead = ["303653007", "BW28ZZZ"];
    private static readonly string[] HipReplacement = ["52734007", "0SR9019"];
    private static readonly string[] Appendectomy = ["80146002", "0DTJ4ZZ"];
    private static readonly string[] Echocardiography = ["40701008", "B246ZZZ"];
    private static readonly string[] Ventilation = ["40617009", "5A1935Z", "5A1945Z", "5A1955Z"];
    private static readonly string[] Chemotherapy = ["367336001", "3E04305"];
    private static readonly string[] Radiotherapy = ["33195004"];
    private static readonly string[] Rehabilitation = ["52052004"];

    private Dictionary<string, StayTracker.Stay> StaysById => population.Stays.All.ToDictionary(s => s.EncounterId, StringComparer.Ordinal);

    [Fact]
    public void Every_procedure_lies_within_a_visit_that_was_not_cancelled()
    {
        var stays = StaysById;
        Assert.True(population.Procedures.Count > 5_000, $"only {population.Procedures.Count} procedures");
        Assert.All(population.Procedures, p =>
        {
            Assert.True(stays.TryGetValue(p.EncounterId, out var stay), $"procedure for unknown visit {p.EncounterId}");
            Assert.False(stay.Cancelled, $"procedure in cancelled visit {p.EncounterId}");
            Assert.True(p.PerformedAt >= stay.AdmittedAt, $"{p.Code} at {p.PerformedAt} before admission {stay.AdmittedAt}");
            Assert.True(p.PerformedEndAt >= p.PerformedAt);
            Assert.True(p.PerformedEndAt <= (stay.Discharge?.At ?? PopulationFixture.Options.End), $"{p.Code} ends {p.PerformedEndAt} after discharge {stay.Discharge?.At}");
        });
    }

    [Fact]
    public void Inpatient_procedures_are_coded_in_snomed_ct_or_icd_10_pcs_and_short_visits_in_snomed_ct()
    {
        var stays = StaysById;
        var inpatient = population.Procedures.Where(p => stays[p.EncounterId].Class == "inpatient").ToList();
        var pcsShare = (double)inpatient.Count(p => p.CodeSystem == "ICD-10-PCS") / inpatient.Count;
        output.WriteLine($"{inpatient.Count} inpatient procedures, {pcsShare:P1} in ICD-10-PCS");

        Assert.InRange(pcsShare, 0.15, 0.4);
        Assert.All(population.Procedures.Where(p => stays[p.EncounterId].Class != "inpatient"), p => Assert.Equal("SNOMED-CT", p.CodeSystem));
        Assert.Equal(population.Procedures.Count, population.Summary.ProceduresByCodeSystem.Values.Sum());
        Assert.Equal(inpatient.Count(p => p.CodeSystem == "ICD-10-PCS"), population.Summary.ProceduresByCodeSystem["ICD-10-PCS"]);
    }

    [Theory]
    [InlineData("I63.9", "CtHead", 0.9)]
    [InlineData("S72.001A", "HipReplacement", 0.75)]
    [InlineData("K35.80", "Appendectomy", 0.85)]
    [InlineData("I50", "Echocardiography", 0.7)]
    public void The_principal_condition_brings_its_procedure(string principalPrefix, string procedure, double atLeast)
    {
        var codes = procedure switch
        {
            "CtHead" => CtHead,
            "HipReplacement" => HipReplacement,
            "Appendectomy" => Appendectomy,
            _ => Echocardiography,
        };
        var byEncounter = population.Procedures.ToLookup(p => p.EncounterId, StringComparer.Ordinal);
        var stays = population.Stays.Inpatient
            .Where(s => s.Discharge is not null && population.PrincipalByEncounter.TryGetValue(s.EncounterId, out var principal) &&
                        principal.StartsWith(principalPrefix, StringComparison.Ordinal))
            .ToList();
        var share = (double)stays.Count(s => byEncounter[s.EncounterId].Any(p => codes.Contains(p.Code))) / stays.Count;
        output.WriteLine($"{principalPrefix}: {share:P1} of {stays.Count} stays with {procedure}");

        Assert.True(stays.Count >= 20, $"only {stays.Count} {principalPrefix} stays");
        Assert.True(share >= atLeast, $"{share:P1} of {principalPrefix} stays had {procedure}");
    }

    [Fact]
    public void Some_stays_carry_planned_care_chemotherapy_radiotherapy_and_rehabilitation()
    {
        var chemotherapy = population.Procedures.Count(p => Chemotherapy.Contains(p.Code));
        var radiotherapy = population.Procedures.Count(p => Radiotherapy.Contains(p.Code));
        var rehabilitation = population.Procedures.Count(p => Rehabilitation.Contains(p.Code));
        output.WriteLine($"chemotherapy {chemotherapy}, radiotherapy {radiotherapy}, rehabilitation {rehabilitation}");

        Assert.True(chemotherapy >= 10 && radiotherapy >= 10 && rehabilitation >= 10);
        Assert.Equal(chemotherapy + radiotherapy + rehabilitation, population.Summary.PlannedCareProcedures);
        var stays = StaysById;
        Assert.All(population.Procedures.Where(p => Chemotherapy.Contains(p.Code) || Radiotherapy.Contains(p.Code)),
            p => Assert.Equal("inpatient", stays[p.EncounterId].Class));
    }

    [Fact]
    public void Ventilation_happens_in_stays_that_went_through_intensive_care_and_is_coded_by_duration()
    {
        var ventilated = population.Procedures.Where(p => Ventilation.Contains(p.Code)).ToList();
        Assert.True(ventilated.Count >= 20, $"only {ventilated.Count} ventilations");
        Assert.All(ventilated, p =>
        {
            var hours = (p.PerformedEndAt - p.PerformedAt).TotalHours;
            switch (p.Code)
            {
                case "5A1935Z": Assert.True(hours < 24); break;
                case "5A1945Z": Assert.InRange(hours, 24, 96); break;
                case "5A1955Z": Assert.True(hours > 96); break;
            }
        });
    }

    [Fact]
    public void Most_inpatient_stays_and_some_emergency_visits_have_procedures()
    {
        var withProcedures = population.Procedures.Select(p => p.EncounterId).ToHashSet(StringComparer.Ordinal);
        var inpatient = population.Stays.Inpatient.Where(s => s.Discharge is not null).ToList();
        var emergency = population.Stays.All.Where(s => s.Class == "emergency").ToList();
        var inpatientShare = (double)inpatient.Count(s => withProcedures.Contains(s.EncounterId)) / inpatient.Count;
        var emergencyShare = (double)emergency.Count(s => withProcedures.Contains(s.EncounterId)) / emergency.Count;
        var perStay = (double)population.Procedures.Count / withProcedures.Count;
        output.WriteLine($"inpatient stays with procedures {inpatientShare:P1}, ED visits {emergencyShare:P1}, {perStay:F2} per visit with any");

        Assert.InRange(inpatientShare, 0.75, 1);
        Assert.InRange(emergencyShare, 0.25, 0.8);
    }
}
