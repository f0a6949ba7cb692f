using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Encounters;

/// <summary>
/// Decides when a patient next comes to hospital and why. Spontaneous visits are a non-homogeneous Poisson process
/// (thinning) with the patient's yearly rates shaped by <see cref="AdmissionCalendar"/>; after an inpatient stay an
/// unplanned readmission is scheduled 1–30 days out with a risk that depends on the condition, comorbidity, age and
/// where the patient went.
/// </summary>
internal static class EncounterPlanner
{
    private const double HoursPerYear = 8766;

    // Scales the condition risks so the realised 30-day rate, including admissions that would have happened anyway,
    // lands at the all-payer/Medicare level of clinical.md §5.4 (about 14–20%).
    private const double ReadmissionCalibration = 0.82;

    public static PlannedEncounter? NextSpontaneous(SimulatedPatient patient, DateTimeOffset from, DateTimeOffset end, DeterministicRandom random)
    {
        var total = patient.InpatientRate + patient.EmergencyRate + patient.ObservationRate;
        if (total <= 0) return null;
        var maxPerHour = total * AdmissionCalendar.MaxModulation / HoursPerYear;
        var t = from;
        while (true)
        {
            t = t.AddHours(random.Exponential(1 / maxPerHour));
            if (t >= end) return null;
            var inpatient = patient.InpatientRate * AdmissionCalendar.Inpatient(t);
            var edModulation = AdmissionCalendar.Emergency(t);
            var emergency = patient.EmergencyRate * edModulation;
            var observation = patient.ObservationRate * edModulation;
            var draw = random.NextDouble() * total * AdmissionCalendar.MaxModulation;
            if (draw >= inpatient + emergency + observation) continue;

            var encounterClass = draw < inpatient ? EncounterClass.Inpatient : draw < inpatient + emergency ? EncounterClass.Emergency : EncounterClass.Observation;
            var condition = ChoosePrincipal(encounterClass, patient, t, random, allowElective: true);
            var start = Whole(t);
            if (condition.Elective)
            {
                // Elective surgery is booked for a weekday morning.
                var day = new DateTimeOffset(t.Date, t.Offset).AddDays(1);
                while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
                start = Whole(day.AddHours(random.Uniform(6.5, 9.5)));
                if (start >= end) return null;
            }

            return new PlannedEncounter(start, encounterClass, condition);
        }
    }

    public static PrincipalCondition ChoosePrincipal(EncounterClass encounterClass, SimulatedPatient patient, DateTimeOffset at, DeterministicRandom random, bool allowElective)
    {
        var catalog = encounterClass switch
        {
            EncounterClass.Inpatient => PrincipalConditions.Inpatient,
            EncounterClass.Emergency => PrincipalConditions.Emergency,
            _ => PrincipalConditions.Observation,
        };
        var season = AdmissionCalendar.SeasonCosine(at);
        Span<double> weights = stackalloc double[catalog.Count];
        var total = 0.0;
        for (var i = 0; i < catalog.Count; i++)
        {
            var condition = catalog[i];
            var weight = condition.Elective && !allowElective ? 0 : PrincipalConditions.SelectionWeight(condition, patient.Conditions, patient.AgeAtStart, season);
            weights[i] = weight;
            total += weight;
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < catalog.Count; i++)
        {
            target -= weights[i];
            if (target < 0) return catalog[i];
        }

        return catalog[^1];
    }

    /// <summary>An unplanned readmission after an inpatient stay, or null.</summary>
    public static PlannedEncounter? Readmission(SimulatedPatient patient, EncounterOutcome stay, DateTimeOffset end, DeterministicRandom random)
    {
        if (stay.Cancelled || stay.Died || stay.Class != EncounterClass.Inpatient || stay.Disposition is not { } disposition) return null;
        var dispositionFactor = disposition switch
        {
            DischargeDisposition.SkilledNursing => 1.15,
            DischargeDisposition.HomeHealth => 1.1,
            DischargeDisposition.AgainstMedicalAdvice => 1.6,
            DischargeDisposition.Transfer => 0.5,
            DischargeDisposition.Hospice => 0.05,
            DischargeDisposition.Home => 0.95,
            _ => 1.0,
        };
        var ageFactor = patient.AgeAtStart >= 65 ? 1.08 : patient.AgeAtStart < 45 ? 0.85 : 1.0;
        var risk = stay.Condition.ReadmissionRisk * ReadmissionCalibration * Math.Exp(0.07 * (Math.Min(patient.CharlsonIndex, 8) - 2)) * ageFactor * dispositionFactor;
        if (!random.Chance(Math.Min(risk, 0.8))) return null;

        // Readmissions cluster in the first week after discharge.
        var days = 1 + (int)Math.Floor(29.999 * Math.Pow(random.NextDouble(), 1.7));
        var day = new DateTimeOffset(stay.EndedAt.Date, stay.EndedAt.Offset).AddDays(days);
        var start = Whole(day.AddHours(AdmissionCalendar.DrawInpatientHour(random) + random.NextDouble()));
        if (start >= end || start <= stay.EndedAt) return null;
        var condition = !stay.Condition.Elective && random.Chance(0.45)
            ? stay.Condition
            : ChoosePrincipal(EncounterClass.Inpatient, patient, start, random, allowElective: false);
        return new PlannedEncounter(start, EncounterClass.Inpatient, condition);
    }
}
