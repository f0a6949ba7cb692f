using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using CareLake.Generator.Randomness;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.AccessLogs;

/// <summary>
/// Routine chart access around a visit: registration, the attending's rounds and notes, nurses each shift,
/// pharmacy verification, case management before discharge, coding and billing afterwards. VIP admissions also
/// draw curious staff from outside the care team.
/// </summary>
internal static class CareTeamAccess
{
    public static void RecordInpatient(EncounterRecorder recorder, StayCourse course, StaffMember attending)
    {
        if (!recorder.Context.Options.AccessLogs.Enabled) return;
        var random = recorder.Random;
        var roster = recorder.Context.Staff;
        var admit = course.AdmitAt;
        var end = course.EndAt;
        var encounterId = recorder.EncounterId;
        var mrn = recorder.Patient.Mrn;

        Access(recorder, course, roster.OnShift("registration", "ED", admit, random), AccessAction.Create, "Encounter", encounterId, admit.AddMinutes(random.Uniform(1, 8)));
        Access(recorder, course, attending, AccessAction.View, "Patient", mrn, admit.AddMinutes(random.Uniform(15, 90)));
        Access(recorder, course, attending, AccessAction.Create, "ServiceRequest", encounterId, admit.AddMinutes(random.Uniform(30, 120)));
        var firstNurseAt = admit.AddMinutes(random.Uniform(10, 40));
        Access(recorder, course, Nurse(recorder, course, firstNurseAt), AccessAction.View, "Patient", mrn, firstNurseAt);
        var pharmacyAt = admit.AddHours(random.Uniform(1, 4));
        var pharmacist = roster.OnShift("pharmacist", null, pharmacyAt, random);
        Access(recorder, course, pharmacist, AccessAction.View, "MedicationRequest", encounterId, pharmacyAt);
        Access(recorder, course, pharmacist, AccessAction.Update, "MedicationRequest", encounterId, pharmacyAt.AddMinutes(random.Uniform(2, 20)));
        Access(recorder, course, attending, AccessAction.View, "Observation", encounterId, admit.AddMinutes(random.Uniform(90, 240)));

        var respiratory = course.Condition.Key is "copd" or "pneumonia" or "respiratory_failure" || course.Episode == Clinical.Diagnoses.DeteriorationKind.RespiratoryFailure;
        for (var day = new DateTimeOffset(admit.Date, admit.Offset).AddDays(1); day < end; day = day.AddDays(1))
        {
            var rounds = day.AddHours(random.Uniform(8, 11));
            var icu = course.SegmentAt(rounds).Kind == UnitKind.Icu;
            var doctor = icu ? roster.Physician("ICU", rounds, random) : attending;
            Access(recorder, course, doctor, AccessAction.View, "Encounter", encounterId, rounds);
            Access(recorder, course, doctor, AccessAction.Create, "DocumentReference", encounterId, rounds.AddMinutes(random.Uniform(30, 180)));
            if (random.Chance(0.6)) Access(recorder, course, roster.OnShift("resident", null, rounds, random), AccessAction.View, "Patient", mrn, rounds.AddMinutes(-random.Uniform(20, 60)));
            foreach (var hour in new[] { random.Uniform(7.5, 9), random.Uniform(13, 17), random.Uniform(20, 23) })
            {
                var at = day.AddHours(hour);
                Access(recorder, course, Nurse(recorder, course, at), hour < 19 && random.Chance(0.3) ? AccessAction.Update : AccessAction.View, "Patient", mrn, at);
            }

            if (respiratory && random.Chance(0.7))
            {
                var at = day.AddHours(random.Uniform(9, 20));
                Access(recorder, course, roster.OnShift("respiratory_therapist", null, at, random), AccessAction.View, "Patient", mrn, at);
            }
        }

        for (var i = 1; i < course.Segments.Count; i++)
        {
            var at = course.Segments[i].From.AddMinutes(random.Uniform(5, 30));
            Access(recorder, course, Nurse(recorder, course, at), AccessAction.View, "Patient", mrn, at);
        }

        if (course.Dies)
        {
            Access(recorder, course, roster.Physician(course.SegmentAt(end).Kind == UnitKind.Icu ? "ICU" : "MED", end, random), AccessAction.Create, "DocumentReference", encounterId, end.AddMinutes(random.Uniform(20, 90)));
        }
        else
        {
            if ((end - admit).TotalDays >= 2)
            {
                var at = new DateTimeOffset(end.Date, end.Offset).AddDays(-1).AddHours(random.Uniform(9, 16));
                Access(recorder, course, roster.OnShift("case_manager", null, at, random), AccessAction.View, "Patient", mrn, at);
            }

            Access(recorder, course, attending, AccessAction.Create, "DocumentReference", encounterId, end.AddMinutes(-random.Uniform(30, 120)));
            Access(recorder, course, Nurse(recorder, course, end), AccessAction.Print, "DocumentReference", encounterId, end.AddMinutes(-random.Uniform(5, 30)));
        }

        AfterDischarge(recorder, course, end);
        if (recorder.Patient.IsVip) VipCuriosity(recorder, course);
    }

    public static void RecordShortVisit(EncounterRecorder recorder, StayCourse course, StaffMember physician)
    {
        if (!recorder.Context.Options.AccessLogs.Enabled) return;
        var random = recorder.Random;
        var roster = recorder.Context.Staff;
        var start = course.AdmitAt;
        var encounterId = recorder.EncounterId;
        var mrn = recorder.Patient.Mrn;
        Access(recorder, course, roster.OnShift("registration", "ED", start, random), AccessAction.Create, "Encounter", encounterId, start.AddMinutes(random.Uniform(1, 8)));
        var triage = start.AddMinutes(random.Uniform(5, 25));
        Access(recorder, course, Nurse(recorder, course, triage), AccessAction.View, "Patient", mrn, triage);
        Access(recorder, course, physician, AccessAction.View, "Patient", mrn, start.AddMinutes(random.Uniform(20, 90)));
        Access(recorder, course, physician, AccessAction.Create, "DocumentReference", encounterId, course.EndAt.AddMinutes(-random.Uniform(10, 40)));
        Access(recorder, course, Nurse(recorder, course, course.EndAt), AccessAction.Print, "DocumentReference", encounterId, course.EndAt.AddMinutes(-random.Uniform(2, 10)));
        AfterDischarge(recorder, course, course.EndAt);
        if (recorder.Patient.IsVip) VipCuriosity(recorder, course);
    }

    private static void AfterDischarge(EncounterRecorder recorder, StayCourse course, DateTimeOffset end)
    {
        var random = recorder.Random;
        var roster = recorder.Context.Staff;
        var coding = OfficeHours(end.AddDays(random.Uniform(1, 4)), random);
        Access(recorder, course, roster.OnShift("coder", null, coding, random), AccessAction.View, "Encounter", recorder.EncounterId, coding);
        var billing = OfficeHours(end.AddDays(random.Uniform(5, 14)), random);
        var biller = roster.OnShift("billing", null, billing, random);
        Access(recorder, course, biller, AccessAction.View, "Encounter", recorder.EncounterId, billing);
        if (random.Chance(0.1)) Access(recorder, course, biller, AccessAction.Export, "Claim", recorder.EncounterId, billing.AddMinutes(random.Uniform(2, 30)));
    }

    /// <summary>A VIP in hospital: a handful of staff with no part in their care look at the chart.</summary>
    private static void VipCuriosity(EncounterRecorder recorder, StayCourse course)
    {
        var random = recorder.Random;
        var staff = recorder.Context.Staff.Members;
        var lookers = random.Next(3, 12);
        for (var i = 0; i < lookers; i++)
        {
            var at = course.AdmitAt.AddHours(random.Uniform(0.5, 48));
            var member = staff[random.Next(staff.Count)];
            Access(recorder, course, member, AccessAction.View, "Patient", recorder.Patient.Mrn, at, AccessPattern.VipRecord);
        }
    }

    private static StaffMember Nurse(EncounterRecorder recorder, StayCourse course, DateTimeOffset at) =>
        recorder.Context.Staff.OnShift("nurse", course.SegmentAt(at).Snapshot.Location.Unit, at, recorder.Random);

    private static DateTimeOffset OfficeHours(DateTimeOffset t, DeterministicRandom random)
    {
        var day = new DateTimeOffset(t.Date, t.Offset);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
        return day.AddHours(random.Uniform(8.5, 16.5));
    }

    private static void Access(EncounterRecorder recorder, StayCourse course, StaffMember member, AccessAction action, string resourceType, string resourceId, DateTimeOffset at, AccessPattern pattern = AccessPattern.Routine)
    {
        at = Whole(at);
        recorder.Add(new EhrAccessEvent
        {
            EventId = recorder.NextId("ax"),
            OccurredAt = at,
            Patient = recorder.Patient,
            Demographics = recorder.DemographicsAt(at),
            Encounter = course.SegmentAt(at).Snapshot,
            UserId = member.UserId,
            UserRole = member.Role,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Workstation = member.Workstation,
            SourceIp = recorder.Context.UnitIp(member),
            Pattern = pattern,
        });
    }
}
