using CareLake.Generator.AccessLogs;
using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Labs;
using CareLake.Generator.Clinical.Procedures;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.Model;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Encounters;

/// <summary>
/// Simulates one inpatient stay: plans the course (length of stay, deterioration, ICU, death, discharge time and
/// disposition), books beds, and records the ADT events, diagnoses, labs, vitals and chart access it produces.
/// </summary>
internal static class InpatientStayBuilder
{
    public static EncounterOutcome Build(EncounterRecorder recorder, PlannedEncounter plan)
    {
        var context = recorder.Context;
        var options = context.Options;
        var patient = recorder.Patient;
        var random = recorder.Random;
        var condition = plan.Condition;
        var admitAt = plan.Start;
        var charlson = Math.Min(patient.CharlsonIndex, 8);
        var age = patient.AgeAtStart;

        var attending = context.Staff.Physician(condition.Service, admitAt, random);
        var admitSource = condition.Elective ? "physician_referral"
            : random.NextDouble() switch { < 0.82 => "emergency", < 0.96 => "physician_referral", _ => "transfer_from_hospital" };
        var admissionType = condition.Elective ? "elective" : admitSource == "emergency" ? "emergency" : "urgent";
        EncounterSnapshot Snapshot(BedLocation bed) =>
            new(recorder.EncounterId, EncounterClass.Inpatient, context.FacilityId, bed, admitSource, admitAt, attending.ProviderId!, condition.Service, admissionType);

        if (random.Chance(options.CancelledAdmitRate))
        {
            return CancelledAdmission(recorder, plan, Snapshot);
        }

        // Length of stay: log-normal per condition, longer for the old and the multimorbid (clinical.md §6: mean ≈ 4.5–5 days).
        var ageFactor = age >= 80 ? 1.15 : age >= 65 ? 1.05 : 0.92;
        var los = TimeSpan.FromDays(Math.Clamp(random.LogNormal(condition.LosMedianDays * ageFactor * (1 + 0.035 * charlson), condition.LosSigma), 0.5, 45));
        // The condition rates are for typical patients; the inpatient mix is older and sicker than that, hence the 0.4 (US in-hospital mortality is about 2%).
        var mortality = Math.Min(0.6, 0.4 * condition.Mortality * (age >= 80 ? 1.8 : age >= 65 ? 1.2 : age >= 45 ? 0.8 : 0.4) * Math.Exp(0.16 * (charlson - 2)));
        var dies = random.Chance(mortality);
        // About 4–6% of stays deteriorate enough for an ICU transfer or rapid response (the condition rates, scaled down
        // the same way as mortality).
        var deteriorates = dies || random.Chance(0.6 * condition.DeteriorationRate * (1 + 0.05 * charlson));
        var directIcu = random.Chance(condition.DirectIcuRate);
        var wardKind = condition.Unit;
        var episodeKind = condition.Key == "pneumonia" && random.Chance(0.35) ? DeteriorationKind.SepsisLike : condition.Deterioration;

        var plannedSegments = new List<(UnitKind Kind, DateTimeOffset From)>();
        var t = admitAt;
        var icuDecay = 18.0;
        if (directIcu)
        {
            var icuStay = TimeSpan.FromDays(Math.Clamp(random.LogNormal(1.6, 0.6), 0.5, 10));
            icuDecay = Math.Max(4, icuStay.TotalHours * 0.18);
            plannedSegments.Add((UnitKind.Icu, t));
            t += icuStay;
            if (!dies && random.Chance(0.4))
            {
                plannedSegments.Add((UnitKind.StepDown, t));
                t += TimeSpan.FromHours(Math.Clamp(random.LogNormal(20, 0.4), 8, 72));
            }
        }

        var target = admitAt + los;
        if (directIcu && target < t + TimeSpan.FromDays(1)) target = t + TimeSpan.FromDays(Math.Clamp(random.LogNormal(2, 0.5), 1, 10));
        DateTimeOffset endAt;
        DateTimeOffset onset = default, peak = default;
        var episodeDecay = 12.0;
        var hadIcu = directIcu;
        DischargeDisposition disposition;
        if (dies)
        {
            if (directIcu)
            {
                // Never recovered from a critical presentation.
                onset = admitAt;
                endAt = admitAt + TimeSpan.FromHours(Math.Clamp(random.LogNormal(40, 0.8), 4, 300));
                peak = admitAt + TimeSpan.FromHours(Math.Min(12, (endAt - admitAt).TotalHours * 0.5));
                plannedSegments.Clear();
                plannedSegments.Add((UnitKind.Icu, admitAt));
            }
            else
            {
                onset = admitAt + TimeSpan.FromHours(random.Uniform(3, Math.Max(4, 0.65 * los.TotalHours)));
                peak = onset + TimeSpan.FromHours(random.Uniform(6, 18));
                if (plannedSegments.Count == 0 || plannedSegments[^1].Kind != wardKind) plannedSegments.Add((wardKind, t));
                if (random.Chance(0.55))
                {
                    plannedSegments.Add((UnitKind.Icu, peak));
                    hadIcu = true;
                    endAt = peak + TimeSpan.FromHours(Math.Clamp(random.LogNormal(30, 0.8), 3, 240));
                }
                else
                {
                    endAt = peak + TimeSpan.FromHours(random.Uniform(0.5, 6));
                }
            }

            disposition = DischargeDisposition.Expired;
        }
        else if (deteriorates && !directIcu)
        {
            onset = admitAt + TimeSpan.FromHours(random.Uniform(3, Math.Max(4, 0.65 * los.TotalHours)));
            peak = onset + TimeSpan.FromHours(random.Uniform(4, 14));
            plannedSegments.Add((wardKind, t));
            DateTimeOffset recoveredFrom;
            if (random.Chance(0.7))
            {
                var icuStay = TimeSpan.FromDays(Math.Clamp(random.LogNormal(2.0, 0.55), 0.5, 14));
                episodeDecay = Math.Max(4, icuStay.TotalHours * 0.15);
                plannedSegments.Add((UnitKind.Icu, peak));
                hadIcu = true;
                recoveredFrom = peak + icuStay;
                if (random.Chance(0.35))
                {
                    plannedSegments.Add((UnitKind.StepDown, recoveredFrom));
                    recoveredFrom += TimeSpan.FromHours(Math.Clamp(random.LogNormal(22, 0.4), 8, 72));
                }

                plannedSegments.Add((wardKind, recoveredFrom));
                target = Max(target, recoveredFrom + TimeSpan.FromDays(Math.Clamp(random.LogNormal(2.2, 0.5), 0.7, 12)));
            }
            else
            {
                // Rapid response on the ward, treated without ICU.
                episodeDecay = random.Uniform(4, 10);
                recoveredFrom = peak;
                target = Max(target, peak + TimeSpan.FromDays(Math.Clamp(random.LogNormal(1.8, 0.5), 0.7, 10)));
            }

            endAt = DischargeTime(target, Max(recoveredFrom, admitAt.AddHours(4)), random);
            disposition = DispositionModel.ForInpatient(patient, condition, hadIcu, random);
        }
        else
        {
            if (plannedSegments.Count == 0 || plannedSegments[^1].Kind != wardKind) plannedSegments.Add((wardKind, t));
            deteriorates = false;
            if (!directIcu && random.Chance(DispositionModel.AgainstAdviceRate(patient)))
            {
                endAt = admitAt + TimeSpan.FromHours(Math.Max(3, los.TotalHours * random.Uniform(0.15, 0.7)));
                disposition = DischargeDisposition.AgainstMedicalAdvice;
            }
            else
            {
                endAt = DischargeTime(target, Max(plannedSegments[^1].From, admitAt.AddHours(4)), random);
                disposition = DispositionModel.ForInpatient(patient, condition, hadIcu, random);
            }
        }

        endAt = Whole(endAt);

        // A bed move on the ward now and then (isolation, a quieter room, step-down of care).
        var lastWard = plannedSegments.FindLastIndex(s => s.Kind == wardKind);
        if (lastWard >= 0 && random.Chance(0.07))
        {
            var from = plannedSegments[lastWard].From;
            var until = lastWard + 1 < plannedSegments.Count ? plannedSegments[lastWard + 1].From : endAt;
            if (until - from > TimeSpan.FromDays(1.5))
            {
                var otherKind = wardKind == UnitKind.MedSurg || random.Chance(0.6) ? wardKind : UnitKind.MedSurg;
                plannedSegments.Insert(lastWard + 1, (otherKind, from + (until - from) * random.Uniform(0.3, 0.7)));
            }
        }

        plannedSegments.RemoveAll(s => s.From >= endAt);
        var course = new StayCourse
        {
            Condition = condition,
            AdmitAt = admitAt,
            EndAt = endAt,
            RecoveryHours = Math.Max(8, 0.25 * (endAt - admitAt).TotalHours),
            Episode = deteriorates ? episodeKind : null,
            EpisodeOnset = onset,
            EpisodePeak = peak,
            EpisodeDecayHours = episodeDecay,
            Dies = dies,
            DirectIcu = directIcu,
            DirectIcuDecayHours = icuDecay,
            HypothermicSepsis = random.Chance(0.15),
            OxygenPlanned = random.Chance(condition.Acute.OxygenProbability),
            DeliriumProne = (patient.Conditions & ChronicCondition.Dementia) != 0 || age >= 85,
            MyocardialInjuryPeak = condition.Key == "ami" ? random.LogNormal(2500, 0.9) : 0,
        };
        for (var i = 0; i < plannedSegments.Count; i++)
        {
            var (kind, from) = plannedSegments[i];
            from = Whole(from);
            var to = i + 1 < plannedSegments.Count ? Whole(plannedSegments[i + 1].From) : endAt;
            var bed = context.Beds.Assign(kind, from, to + TimeSpan.FromHours(1), random);
            course.Segments.Add(new CourseSegment(kind, from, to, Snapshot(bed)));
        }

        RecordEvents(recorder, course, disposition, attending);
        if (dies) patient.DeceasedAt = endAt;
        return new EncounterOutcome(endAt, EncounterClass.Inpatient, condition, disposition, Cancelled: false, Died: dies);
    }

    private static void RecordEvents(EncounterRecorder recorder, StayCourse course, DischargeDisposition disposition, StaffMember attending)
    {
        var random = recorder.Random;
        var options = recorder.Context.Options;
        var first = course.Segments[0];
        recorder.Add(recorder.Adt(AdtKind.Admit, course.AdmitAt, first.Snapshot));

        var rank = DiagnosisRecorder.RecordAdmission(recorder, course.Condition, Whole(course.AdmitAt.AddMinutes(random.Uniform(15, 75))), first.Snapshot, maxChronic: 12);
        for (var i = 1; i < course.Segments.Count; i++)
        {
            var segment = course.Segments[i];
            recorder.Add(recorder.Adt(AdtKind.Transfer, segment.From, segment.Snapshot) with
            {
                From = course.Segments[i - 1].Snapshot.Location,
                To = segment.Snapshot.Location,
            });
        }

        if (course.Episode is not null && course.EpisodePeak < course.EndAt)
        {
            var at = Whole(course.EpisodePeak.AddMinutes(random.Uniform(20, 120)));
            if (at < course.EndAt) rank = DiagnosisRecorder.RecordComplications(recorder, course, rank, at, course.SegmentAt(at).Kind == UnitKind.Icu);
        }

        if ((course.EndAt - course.AdmitAt).TotalDays > 6 && random.Chance(0.03))
        {
            var at = Whole(course.AdmitAt.AddDays(random.Uniform(4, 6)));
            DiagnosisRecorder.Record(recorder, Icd.PressureUlcer, rank + 1, PresentOnAdmission.No, at, course.SegmentAt(at).Snapshot, isChronic: false);
        }

        VitalSignsRecorder.Record(recorder, course);
        LabOrders.RecordInpatient(recorder, course);
        CareTeamAccess.RecordInpatient(recorder, course, attending);
        ProcedureRecorder.RecordInpatient(recorder, course);

        var last = course.Segments[^1];
        if (disposition != DischargeDisposition.Expired && random.Chance(options.CancelledDischargeRate))
        {
            // A discharge entered hours too early, then cancelled (A13): the patient stays until the real one.
            var premature = Whole(Max(course.EndAt - TimeSpan.FromHours(random.Uniform(2, 20)), last.From.AddMinutes(30)));
            if (premature < course.EndAt.AddMinutes(-30))
            {
                var reversedSnapshot = course.SegmentAt(premature).Snapshot with { DischargedAt = premature, Disposition = disposition };
                recorder.Add(recorder.Adt(AdtKind.Discharge, premature, reversedSnapshot) with { IsReversedLater = true });
                var cancelAt = Whole(Min(premature.AddMinutes(random.Uniform(10, 90)), course.EndAt.AddMinutes(-5)));
                recorder.Add(recorder.Adt(AdtKind.CancelDischarge, cancelAt, course.SegmentAt(cancelAt).Snapshot));
            }
        }

        recorder.Add(recorder.Adt(AdtKind.Discharge, course.EndAt, last.Snapshot with { DischargedAt = course.EndAt, Disposition = disposition }));
    }

    private static EncounterOutcome CancelledAdmission(EncounterRecorder recorder, PlannedEncounter plan, Func<BedLocation, EncounterSnapshot> snapshotFor)
    {
        var random = recorder.Random;
        var context = recorder.Context;
        var cancelAt = Whole(plan.Start.AddMinutes(random.Uniform(10, 90)));
        var bed = context.Beds.Assign(plan.Condition.Unit, plan.Start, cancelAt, random);
        var snapshot = snapshotFor(bed);
        recorder.Add(recorder.Adt(AdtKind.Admit, plan.Start, snapshot) with { IsCancelledLater = true });
        recorder.Add(recorder.Adt(AdtKind.CancelAdmit, cancelAt, snapshot));
        return new EncounterOutcome(cancelAt, EncounterClass.Inpatient, plan.Condition, null, Cancelled: true, Died: false);
    }

    /// <summary>
    /// Discharges happen in the daytime, mostly around early afternoon, on the day the stay is due to end (or the
    /// next day when that time would come before the patient is ready).
    /// </summary>
    private static DateTimeOffset DischargeTime(DateTimeOffset due, DateTimeOffset notBefore, Randomness.DeterministicRandom random)
    {
        var day = new DateTimeOffset(due.Date, due.Offset);
        var time = day.AddHours(Math.Clamp(random.Normal(13.5, 2.0), 9, 20.5));
        while (time < notBefore.AddHours(2)) time = time.AddDays(1);
        return time;
    }
}
