using CareLake.Generator.Encounters;
using CareLake.Generator.Model;

namespace CareLake.Generator.Clinical.Diagnoses;

/// <summary>
/// Codes a visit: the principal diagnosis (rank 1), the conditions that came with it, and the patient's chronic
/// conditions, all present on admission; complications of a deterioration are coded when they happen, not present
/// on admission (POA N).
/// </summary>
internal static class DiagnosisRecorder
{
    private const int MaxDiagnoses = 15;

    /// <returns>The number of ranks used.</returns>
    public static int RecordAdmission(EncounterRecorder recorder, PrincipalCondition condition, DateTimeOffset at, EncounterSnapshot snapshot, int maxChronic)
    {
        var random = recorder.Random;
        var patient = recorder.Patient;
        var principal = condition.Codes[random.Next(condition.Codes.Length)];
        var codes = new List<(IcdCode Code, PresentOnAdmission Poa, bool Chronic)>
        {
            (principal, random.NextDouble() switch { < 0.004 => PresentOnAdmission.ClinicallyUndetermined, < 0.01 => PresentOnAdmission.Unknown, _ => PresentOnAdmission.Yes }, false),
        };
        foreach (var (code, probability) in condition.Secondaries)
        {
            if (random.Chance(probability) && codes.All(c => c.Code.Code != code.Code)) codes.Add((code, PresentOnAdmission.Yes, false));
        }

        var chronic = patient.ChronicCodes.Where(c => codes.All(x => x.Code.Code != c.Code.Code)).ToList();

        // Short visits record only the comorbidities that matter for them; stays record them all.
        var takeChronic = Math.Min(chronic.Count, maxChronic);
        var start = chronic.Count == 0 ? 0 : random.Next(chronic.Count);
        for (var i = 0; i < takeChronic; i++)
        {
            var (_, code) = chronic[(start + i) % chronic.Count];
            codes.Add((code, random.Chance(0.01) ? PresentOnAdmission.Unknown : PresentOnAdmission.Yes, true));
            if (code.Code == "N18.6") codes.Add((ChronicConditions.DialysisDependence, PresentOnAdmission.Yes, true));
        }

        var rank = 0;
        foreach (var (code, poa, isChronic) in codes.Take(MaxDiagnoses))
        {
            rank++;
            Record(recorder, code, rank, poa, at, snapshot, isChronic);
        }

        return rank;
    }

    /// <summary>Codes the complications of a deterioration episode; returns the last rank used.</summary>
    public static int RecordComplications(EncounterRecorder recorder, StayCourse course, int rank, DateTimeOffset at, bool icu)
    {
        var random = recorder.Random;
        var snapshot = course.SegmentAt(at).Snapshot;
        var codes = new List<IcdCode>();
        switch (course.Episode)
        {
            case DeteriorationKind.SepsisLike:
                if (course.Condition.Key != "sepsis") codes.Add(Icd.Sepsis);
                codes.Add(icu ? Icd.SepticShock : Icd.SevereSepsis);
                break;
            case DeteriorationKind.RespiratoryFailure:
                if (course.Condition.Key != "respiratory_failure") codes.Add(Icd.HypoxicRespiratoryFailure);
                if (random.Chance(0.3)) codes.Add(Icd.Aspiration);
                break;
            case DeteriorationKind.Haemorrhage:
                codes.Add(Icd.AcuteBloodLossAnemia);
                if (course.Condition.Key != "gi_bleed" && random.Chance(0.5)) codes.Add(Icd.GiHemorrhage);
                break;
        }

        foreach (var code in codes)
        {
            rank++;
            Record(recorder, code, rank, PresentOnAdmission.No, at, snapshot, isChronic: false);
        }

        return rank;
    }

    public static void Record(EncounterRecorder recorder, IcdCode code, int rank, PresentOnAdmission poa, DateTimeOffset at, EncounterSnapshot snapshot, bool isChronic)
    {
        recorder.Add(new DiagnosisEvent
        {
            EventId = recorder.NextId("dx"),
            OccurredAt = at,
            Patient = recorder.Patient,
            Demographics = recorder.DemographicsAt(at),
            Encounter = snapshot,
            Code = code,
            Rank = rank,
            PresentOnAdmission = poa,
            DiagnosedAt = at,
            IsChronic = isChronic,
        });
    }
}
