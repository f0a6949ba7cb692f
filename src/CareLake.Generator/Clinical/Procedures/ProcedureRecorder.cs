using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using CareLake.Generator.Randomness;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Clinical.Procedures;

/// <summary>
/// The procedures of a visit, following its principal condition and course: the admission work-up (chest X-ray,
/// ECG, CT head for stroke), the operation of surgical admissions, echocardiography for heart failure, endoscopy for
/// bleeding, ventilation and central lines in intensive care, transfusion for haemorrhage, dialysis for end-stage
/// renal disease, chemotherapy and radiotherapy for some cancer patients, rehabilitation after stroke and joint
/// surgery; in the emergency department ECGs, X-rays, splints and laceration repair. Every procedure starts and
/// ends within the visit. Draws come from the visit's own procedure stream.
/// </summary>
internal static class ProcedureRecorder
{
    /// <summary>Share of inpatient procedures (those with an ICD-10-PCS code) coded in ICD-10-PCS rather than SNOMED CT.</summary>
    public const double InpatientPcsShare = 0.35;

    public static void RecordInpatient(EncounterRecorder recorder, StayCourse course)
    {
        var random = recorder.ProcedureRandom;
        var patient = recorder.Patient;
        var key = course.Condition.Key;
        var admit = course.AdmitAt;
        var stay = new Performer(recorder, course, InpatientPcsShare);

        // Admission work-up.
        var workup = admit.AddMinutes(random.Uniform(10, 90));
        if (random.Chance(key switch
            {
                "pneumonia" or "copd" or "respiratory_failure" or "heart_failure" or "sepsis" or "pulmonary_embolism" => 1.0,
                "ami" or "afib" or "aki" or "alcohol_withdrawal" or "pancreatitis" => 0.7,
                _ => 0.3,
            }))
        {
            stay.Perform(ProcedureCatalog.ChestXRay, workup.AddMinutes(random.Uniform(0, 60)), random.Uniform(8, 20));
        }

        if (random.Chance(key switch
            {
                "ami" or "heart_failure" or "afib" or "syncope" or "pulmonary_embolism" or "stroke" => 1.0,
                _ => patient.AgeAtStart >= 50 ? 0.6 : 0.3,
            }))
        {
            stay.Perform(ProcedureCatalog.Electrocardiogram, workup, random.Uniform(5, 15));
        }

        if (key == "stroke" || (key is "syncope" or "alcohol_withdrawal" && random.Chance(0.3)) || (key == "hip_fracture" && random.Chance(0.35)))
        {
            stay.Perform(ProcedureCatalog.CtHead, admit.AddMinutes(random.Uniform(10, key == "stroke" ? 45 : 180)), random.Uniform(10, 20));
        }

        var echo = key switch
        {
            "heart_failure" => 0.85, "ami" => 0.8, "stroke" or "afib" or "syncope" => 0.5, "pulmonary_embolism" => 0.4, _ => 0.03,
        };
        if (random.Chance(echo)) stay.Perform(ProcedureCatalog.Echocardiography, admit.AddHours(random.Uniform(12, 40)), random.Uniform(30, 60));

        RecordCondition(stay, course, random);
        RecordIntensiveCare(stay, course, random);
        RecordTransfusions(stay, course, random);
        RecordDialysis(stay, course, patient, random);
        RecordPlannedCare(stay, course, patient, random);
    }

    public static void RecordShortVisit(EncounterRecorder recorder, StayCourse course)
    {
        var random = recorder.ProcedureRandom;
        var key = course.Condition.Key;
        var visit = new Performer(recorder, course, pcsShare: 0);
        var hours = (course.EndAt - course.AdmitAt).TotalHours;
        DateTimeOffset During(double from, double to) => course.AdmitAt.AddHours(hours * random.Uniform(from, to));

        var ecg = key switch
        {
            "chest_pain" or "other_chest_pain" or "syncope" or "tia" => 1.0,
            "dyspnea" => 0.7,
            "dizziness" or "anxiety" => 0.55,
            _ => visit.Patient.AgeAtStart >= 50 ? 0.15 : 0.05,
        };
        if (random.Chance(ecg)) visit.Perform(ProcedureCatalog.Electrocardiogram, course.AdmitAt.AddMinutes(random.Uniform(5, 30)), random.Uniform(5, 12));

        var chestXRay = key switch { "dyspnea" => 1.0, "chest_pain" or "other_chest_pain" => 0.7, "fever" or "asthma" => 0.4, "uri" => 0.25, _ => 0.02 };
        if (random.Chance(chestXRay)) visit.Perform(ProcedureCatalog.ChestXRay, During(0.1, 0.5), random.Uniform(8, 20));

        var ctHead = key switch { "tia" => 1.0, "headache" or "head_laceration" or "syncope" => 0.3, "dizziness" => 0.2, _ => 0 };
        if (random.Chance(ctHead)) visit.Perform(ProcedureCatalog.CtHead, During(0.1, 0.4), random.Uniform(10, 20));

        if (key is "tia" or "syncope" or "chest_pain" or "dyspnea" && course.Segments[0].Kind == UnitKind.Observation && random.Chance(key == "chest_pain" ? 0.3 : 0.45))
        {
            visit.Perform(ProcedureCatalog.Echocardiography, During(0.3, 0.8), random.Uniform(30, 50));
        }

        var xRay = key switch { "wrist_fracture" => 1.0, "ankle_sprain" => 0.8, "back_pain" => 0.15, _ => 0 };
        var imaged = random.Chance(xRay);
        if (imaged) visit.Perform(ProcedureCatalog.PlainXRay, During(0.15, 0.45), random.Uniform(8, 15));
        if ((key == "wrist_fracture" && random.Chance(0.9)) || (key == "ankle_sprain" && random.Chance(0.3)))
        {
            visit.Perform(ProcedureCatalog.Splint, During(imaged ? 0.5 : 0.2, 0.8), random.Uniform(10, 25));
        }

        if (key == "head_laceration" && random.Chance(0.95)) visit.Perform(ProcedureCatalog.LacerationRepair, During(0.3, 0.8), random.Uniform(15, 40));
    }

    /// <summary>The operation or intervention the principal condition calls for.</summary>
    private static void RecordCondition(Performer stay, StayCourse course, DeterministicRandom random)
    {
        var admit = course.AdmitAt;
        switch (course.Condition.Key)
        {
            case "hip_fracture" when random.Chance(0.9):
                stay.Perform(ProcedureCatalog.HipReplacement, admit.AddHours(random.Uniform(12, 40)), random.Uniform(90, 150));
                break;
            case "knee_replacement":
                stay.Perform(ProcedureCatalog.KneeReplacement, admit.AddHours(random.Uniform(1, 3)), random.Uniform(80, 140));
                break;
            case "appendicitis" when random.Chance(0.95):
                stay.Perform(ProcedureCatalog.Appendectomy, admit.AddHours(random.Uniform(2, 10)), random.Uniform(45, 90));
                break;
            case "colon_cancer_surgery" when random.Chance(0.95):
                stay.Perform(ProcedureCatalog.Colectomy, admit.AddHours(random.Uniform(1.5, 4)), random.Uniform(150, 240));
                break;
            case "gi_bleed" when random.Chance(0.9):
                stay.Perform(ProcedureCatalog.UpperEndoscopy, admit.AddHours(random.Uniform(4, 24)), random.Uniform(20, 45));
                break;
            case "ami":
                var roll = random.NextDouble();
                var at = admit.AddHours(random.Uniform(0.5, 24));
                if (roll < 0.6) stay.Perform(ProcedureCatalog.CoronaryIntervention, at, random.Uniform(50, 120));
                else if (roll < 0.8) stay.Perform(ProcedureCatalog.CardiacCatheterization, at, random.Uniform(30, 60));
                break;
        }
    }

    /// <summary>Mechanical ventilation and central lines for the patients who go to intensive care.</summary>
    private static void RecordIntensiveCare(Performer stay, StayCourse course, DeterministicRandom random)
    {
        foreach (var segment in course.Segments)
        {
            if (segment.Kind != UnitKind.Icu) continue;
            if (random.Chance(0.55)) stay.Perform(ProcedureCatalog.CentralVenousCatheter, segment.From.AddHours(random.Uniform(0.5, 4)), random.Uniform(20, 45));
            var ventilation = course.EpisodeKind == DeteriorationKind.RespiratoryFailure ? 0.75 : course.Dies ? 0.6 : 0.3;
            if (!random.Chance(ventilation)) continue;
            var start = Whole(segment.From.AddHours(random.Uniform(0.2, 3)));
            var diesHere = course.Dies && ReferenceEquals(segment, course.Segments[^1]);
            var end = diesHere ? course.EndAt : Min(start.AddHours(Math.Clamp(random.LogNormal(40, 0.8), 4, 400)), segment.To.AddHours(-1));
            if (end - start >= TimeSpan.FromHours(1)) stay.Perform(ProcedureCatalog.MechanicalVentilation, start, (end - start).TotalMinutes);
        }
    }

    /// <summary>Red cells for bleeding: during a haemorrhage, on admission with a GI bleed, after hip surgery now and then.</summary>
    private static void RecordTransfusions(Performer stay, StayCourse course, DeterministicRandom random)
    {
        DateTimeOffset? first = null;
        if (course.Episode == DeteriorationKind.Haemorrhage) first = course.EpisodePeak.AddHours(random.Uniform(0.3, 2));
        else if (course.DirectIcu && course.Condition.Deterioration == DeteriorationKind.Haemorrhage) first = course.AdmitAt.AddHours(random.Uniform(0.5, 3));
        else if (course.Condition.Key == "gi_bleed" && random.Chance(0.45)) first = course.AdmitAt.AddHours(random.Uniform(1, 6));
        else if (course.Condition.Key == "hip_fracture" && random.Chance(0.2)) first = course.AdmitAt.AddHours(random.Uniform(30, 60));
        if (first is not { } at) return;

        var units = 1 + random.Next(3);
        for (var i = 0; i < units; i++)
        {
            var minutes = random.Uniform(90, 180);
            stay.Perform(ProcedureCatalog.BloodTransfusion, at, minutes);
            at = at.AddMinutes(minutes + random.Uniform(15, 60));
        }
    }

    /// <summary>Intermittent haemodialysis for end-stage renal disease (every other day) and now and then for acute kidney injury.</summary>
    private static void RecordDialysis(Performer stay, StayCourse course, Population.SimulatedPatient patient, DeterministicRandom random)
    {
        var endStage = patient.ConditionCode(ChronicCondition.Renal)?.Code == "N18.6";
        var sessions = endStage ? 20 : course.Condition.Key == "aki" && random.Chance(0.08) ? 1 + random.Next(3) : 0;
        var day = new DateTimeOffset(course.AdmitAt.Date, course.AdmitAt.Offset).AddDays(random.Next(2));
        for (var i = 0; i < sessions; i++, day = day.AddDays(2))
        {
            var start = Max(day.AddHours(random.Uniform(7, 14)), course.AdmitAt.AddHours(2));
            if (start >= course.EndAt) break;
            stay.Perform(ProcedureCatalog.Hemodialysis, start, random.Uniform(210, 270));
        }
    }

    /// <summary>
    /// Chemotherapy and radiotherapy for some patients with cancer, rehabilitation after stroke and joint surgery,
    /// physiotherapy for the frail on longer stays.
    /// </summary>
    private static void RecordPlannedCare(Performer stay, StayCourse course, Population.SimulatedPatient patient, DeterministicRandom random)
    {
        var hours = (course.EndAt - course.AdmitAt).TotalHours;
        var metastatic = (patient.Conditions & ChronicCondition.Metastatic) != 0;
        var cancer = metastatic || (patient.Conditions & ChronicCondition.Malignancy) != 0;
        if (cancer && hours >= 36 && !course.Dies && random.Chance(metastatic ? 0.15 : 0.07))
        {
            stay.Perform(ProcedureCatalog.Chemotherapy, course.AdmitAt.AddHours(random.Uniform(20, hours - 10)), random.Uniform(120, 360));
        }

        if (cancer && hours >= 30 && random.Chance(metastatic ? 0.2 : 0.03))
        {
            Daily(stay, course, ProcedureCatalog.Radiotherapy, course.AdmitAt.AddHours(random.Uniform(18, 30)), 5, () => random.Uniform(15, 25), random);
        }

        var key = course.Condition.Key;
        var rehabilitation = key switch { "hip_fracture" => 0.8, "stroke" or "knee_replacement" => 0.7, _ => 0 };
        if (random.Chance(rehabilitation))
        {
            Daily(stay, course, ProcedureCatalog.Rehabilitation, course.AdmitAt.AddHours(random.Uniform(20, 44)), 6, () => random.Uniform(40, 60), random);
        }
        else if (rehabilitation == 0 && patient.AgeAtStart >= 75 && hours >= 72 && random.Chance(0.25))
        {
            Daily(stay, course, ProcedureCatalog.PhysicalTherapy, course.AdmitAt.AddHours(random.Uniform(30, 54)), 4, () => random.Uniform(30, 45), random);
        }
    }

    /// <summary>One session a day at about the same time, from <paramref name="first"/> until the stay ends or the course is complete.</summary>
    private static void Daily(Performer stay, StayCourse course, ProcedureDefinition procedure, DateTimeOffset first, int maxSessions, Func<double> minutes, DeterministicRandom random)
    {
        var at = first;
        for (var i = 0; i < maxSessions && at < course.EndAt; i++, at = first.AddDays(i).AddMinutes(random.Uniform(-45, 45)))
        {
            stay.Perform(procedure, at, minutes());
        }
    }

    /// <summary>Records procedures of one visit, inside its admitted..discharged window.</summary>
    private sealed class Performer(EncounterRecorder recorder, StayCourse course, double pcsShare)
    {
        public Population.SimulatedPatient Patient => recorder.Patient;

        public void Perform(ProcedureDefinition procedure, DateTimeOffset start, double minutes)
        {
            var random = recorder.ProcedureRandom;
            var codedInPcs = procedure.Icd10Pcs is not null && random.Chance(pcsShare);
            var performedAt = Whole(Max(start, course.AdmitAt));
            var endedAt = Whole(performedAt.AddMinutes(minutes));
            if (endedAt > course.EndAt || endedAt <= performedAt) return;
            var code = !codedInPcs ? procedure.Snomed
                : ReferenceEquals(procedure, ProcedureCatalog.MechanicalVentilation) ? ProcedureCatalog.VentilationPcs(endedAt - performedAt)
                : procedure.Icd10Pcs!;
            recorder.Add(new ProcedureEvent
            {
                EventId = recorder.NextProcedureId(),
                OccurredAt = endedAt,
                Patient = recorder.Patient,
                Demographics = recorder.DemographicsAt(endedAt),
                Encounter = course.SegmentAt(endedAt).Snapshot,
                Procedure = procedure,
                CodeSystem = codedInPcs ? ProcedureCodeSystem.Icd10Pcs : ProcedureCodeSystem.SnomedCt,
                Code = code,
                PerformedAt = performedAt,
                PerformedEndAt = endedAt,
            });
        }
    }
}
