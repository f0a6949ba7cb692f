using CareLake.Generator.AccessLogs;
using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Labs;
using CareLake.Generator.Clinical.Procedures;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Model;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Encounters;

/// <summary>
/// Emergency department treat-and-release visits (registered, HL7 A04) and observation stays (admitted to an
/// observation bed, outpatient by class): a few hours, or up to two days, of vitals, labs, diagnoses and procedures.
/// </summary>
internal static class ShortVisitBuilder
{
    public static EncounterOutcome Build(EncounterRecorder recorder, PlannedEncounter plan)
    {
        var context = recorder.Context;
        var random = recorder.Random;
        var patient = recorder.Patient;
        var emergency = plan.Class == EncounterClass.Emergency;
        var start = plan.Start;
        var duration = emergency
            ? TimeSpan.FromHours(Math.Clamp(random.LogNormal(3.3, 0.45), 0.75, 14))
            : TimeSpan.FromHours(Math.Clamp(random.LogNormal(20, 0.35), 8, 46));
        var disposition = emergency ? DispositionModel.ForEmergency(random) : DispositionModel.ForObservation(random);
        if (disposition == DischargeDisposition.AgainstMedicalAdvice) duration *= random.Uniform(0.3, 0.7);
        var end = Whole(start + duration);
        var physician = context.Staff.Physician(emergency ? "EM" : "MED", start, random);
        var bed = context.Beds.Assign(emergency ? UnitKind.Emergency : UnitKind.Observation, start, end.AddMinutes(30), random);
        var snapshot = new EncounterSnapshot(recorder.EncounterId, plan.Class, context.FacilityId, bed,
            emergency ? "walk_in" : "emergency", start, physician.ProviderId!, emergency ? "EM" : "MED", emergency ? "emergency" : "urgent");
        var course = new StayCourse
        {
            Condition = plan.Condition,
            AdmitAt = start,
            EndAt = end,
            RecoveryHours = Math.Max(3, duration.TotalHours * 0.6),
            OxygenPlanned = random.Chance(plan.Condition.Acute.OxygenProbability),
            DeliriumProne = (patient.Conditions & ChronicCondition.Dementia) != 0,
        };
        course.Segments.Add(new CourseSegment(emergency ? UnitKind.Emergency : UnitKind.Observation, start, end, snapshot));

        recorder.Add(recorder.Adt(emergency ? AdtKind.Register : AdtKind.Admit, start, snapshot));
        DiagnosisRecorder.RecordAdmission(recorder, plan.Condition, Whole(start.AddMinutes(random.Uniform(30, Math.Min(150, duration.TotalMinutes * 0.8)))), snapshot,
            maxChronic: emergency ? random.Next(0, 3) : random.Next(1, 5));
        VitalSignsRecorder.Record(recorder, course, emergency ? TimeSpan.FromMinutes(random.Uniform(60, 120)) : TimeSpan.FromHours(4));
        LabOrders.RecordShortVisit(recorder, course);
        CareTeamAccess.RecordShortVisit(recorder, course, physician);
        ProcedureRecorder.RecordShortVisit(recorder, course);
        recorder.Add(recorder.Adt(AdtKind.Discharge, end, snapshot with { DischargedAt = end, Disposition = disposition }));
        return new EncounterOutcome(end, plan.Class, plan.Condition, disposition, Cancelled: false, Died: false);
    }
}
