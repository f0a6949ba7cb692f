using CareLake.Core.Records;
using CareLake.Core.Records.History;

namespace CareLake.Core.Tests.Records.History;

public class EncounterHistoryTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5));

    private static DateTimeOffset At(int hour, int minute = 0) => Day.AddHours(hour).AddMinutes(minute);

    private static EncounterRecord Adt(AdtAction action, string eventId, DateTimeOffset occurredAt, string? unit = null, string? room = null, string? bed = null) => new()
    {
        EventId = eventId,
        Source = RecordSources.Mrn,
        OccurredAt = occurredAt,
        PatientId = "MRN0001234",
        EncounterId = "ENC778",
        Action = action,
        ClassReceived = EncounterClasses.Inpatient,
        Class = EncounterClasses.Inpatient,
        FacilityId = "FAC1",
        Unit = unit,
        Room = room,
        Bed = bed,
    };

    private static EncounterRecord Admit(string eventId, DateTimeOffset at, string unit = "4B") =>
        Adt(AdtAction.Admit, eventId, at, unit, "412", "A") with { AdmittedAt = at.AddMinutes(-5), AdmitSource = "emergency", AttendingProviderId = "PRV-9" };

    private static EncounterRecord Discharge(string eventId, DateTimeOffset at, string disposition = "home") =>
        Adt(AdtAction.Discharge, eventId, at) with { DischargedAt = at.AddMinutes(-10), Disposition = disposition, DispositionReceived = disposition };

    private static LocationStay Stay(string unit, DateTimeOffset startedAt, DateTimeOffset? endedAt, int sequence, string? room = "412", string? bed = "A") =>
        new(unit, room, bed, startedAt, endedAt, sequence);

    [Fact]
    public void Admit_transfer_discharge_gives_a_discharged_encounter_with_two_stays()
    {
        var history = EncounterHistory.Derive(
        [
            Admit("a1", At(8)),
            Adt(AdtAction.Transfer, "a2", At(11), "ICU", "2", "1"),
            Discharge("a3", At(14), "home_health"),
        ]);

        var s = history.State;
        Assert.Equal((RecordSources.Mrn, "ENC778", "MRN0001234", EncounterStatuses.Discharged), (s.Source, s.EncounterId, s.PatientId, s.Status));
        Assert.Equal((At(7, 55), At(13, 50)), (s.AdmittedAt, s.DischargedAt));
        Assert.Equal(("home_health", "home_health"), (s.Disposition, s.DispositionReceived));
        Assert.Equal(("ICU", "2", "1"), (s.Unit, s.Room, s.Bed));
        Assert.Equal(("inpatient", "inpatient", "FAC1", "emergency", "PRV-9"), (s.ClassReceived, s.Class, s.FacilityId, s.AdmitSource, s.AttendingProviderId));
        Assert.Equal((At(8), At(14), 3, "a3"), (s.FirstEventAt, s.LastEventAt, s.EventCount, s.LastEventId));
        Assert.Equal([Stay("4B", At(7, 55), At(11), 1), Stay("ICU", At(11), At(13, 50), 2, "2", "1")], history.Locations);
    }

    [Fact]
    public void A_registered_visit_stays_registered_until_it_is_admitted()
    {
        var register = Adt(AdtAction.Register, "r1", At(6), "ED", "T3", null);

        var registered = EncounterHistory.Derive([register]);
        var admitted = EncounterHistory.Derive([register, Admit("a1", At(8))]);

        Assert.Equal(EncounterStatuses.Registered, registered.State.Status);
        Assert.Null(registered.State.AdmittedAt);
        Assert.Equal([Stay("ED", At(6), null, 1, "T3", null)], registered.Locations);

        Assert.Equal((EncounterStatuses.InHouse, At(7, 55)), (admitted.State.Status, admitted.State.AdmittedAt));
        Assert.Equal([Stay("ED", At(6), At(7, 55), 1, "T3", null), Stay("4B", At(7, 55), null, 2)], admitted.Locations);
        Assert.Equal("4B", admitted.State.Unit);
    }

    [Fact]
    public void A_cancelled_admit_keeps_no_open_stay_and_a_later_admit_reopens_the_encounter()
    {
        var admit = Admit("a1", At(8));
        var cancel = Adt(AdtAction.CancelAdmit, "a2", At(9));

        var cancelled = EncounterHistory.Derive([admit, cancel]);
        var readmitted = EncounterHistory.Derive([admit, cancel, Admit("a3", At(10), "5C")]);

        Assert.Equal(EncounterStatuses.Cancelled, cancelled.State.Status);
        Assert.Equal([Stay("4B", At(7, 55), At(9), 1)], cancelled.Locations);
        Assert.Equal((EncounterStatuses.InHouse, At(9, 55)), (readmitted.State.Status, readmitted.State.AdmittedAt));
        Assert.Equal([Stay("4B", At(7, 55), At(9), 1), Stay("5C", At(9, 55), null, 2)], readmitted.Locations);
    }

    [Fact]
    public void A_cancelled_discharge_reopens_the_last_stay_until_the_second_discharge()
    {
        var records = new List<EncounterRecord> { Admit("a1", At(8)), Discharge("a2", At(12)), Adt(AdtAction.CancelDischarge, "a3", At(12, 30)) };

        var reopened = EncounterHistory.Derive(records);
        records.Add(Discharge("a4", At(15), "snf"));
        var dischargedAgain = EncounterHistory.Derive(records);

        Assert.Equal(EncounterStatuses.InHouse, reopened.State.Status);
        Assert.Equal(((DateTimeOffset?)null, (string?)null, (string?)null), (reopened.State.DischargedAt, reopened.State.Disposition, reopened.State.DispositionReceived));
        Assert.Equal([Stay("4B", At(7, 55), null, 1)], reopened.Locations);

        Assert.Equal((EncounterStatuses.Discharged, At(14, 50), "snf"), (dischargedAgain.State.Status, dischargedAgain.State.DischargedAt, dischargedAgain.State.Disposition));
        Assert.Equal([Stay("4B", At(7, 55), At(14, 50), 1)], dischargedAgain.Locations);
    }

    [Fact]
    public void A_corrected_discharge_moves_the_end_of_the_last_stay()
    {
        var history = EncounterHistory.Derive([Admit("a1", At(8)), Discharge("a2", At(12)), Discharge("a3", At(13))]);

        Assert.Equal(At(12, 50), history.State.DischargedAt);
        Assert.Equal([Stay("4B", At(7, 55), At(12, 50), 1)], history.Locations);
    }

    [Fact]
    public void A_registered_visit_whose_discharge_is_cancelled_is_registered_again()
    {
        var history = EncounterHistory.Derive(
            [Adt(AdtAction.Register, "r1", At(6), "ED"), Discharge("r2", At(9)), Adt(AdtAction.CancelDischarge, "r3", At(10))]);

        Assert.Equal(EncounterStatuses.Registered, history.State.Status);
        Assert.Equal([Stay("ED", At(6), null, 1, null, null)], history.Locations);
    }

    public static TheoryData<string> Sequences => new() { "transfer-discharge-cancel", "register-update-discharge" };

    private static EncounterRecord[] Sequence(string name) => name switch
    {
        "transfer-discharge-cancel" =>
        [
            Admit("e1", At(8)),
            Adt(AdtAction.Transfer, "e2", At(11), "ICU", "2", "1"),
            Discharge("e3", At(14)),
            Adt(AdtAction.CancelDischarge, "e4", At(15)),
        ],
        _ =>
        [
            Adt(AdtAction.Register, "e1", At(6), "ED"),
            Admit("e2", At(8)),
            Adt(AdtAction.Update, "e3", At(9), "4B", "414", "B") with { AttendingProviderId = "PRV-2", ClassReceived = null, Class = null },
            Discharge("e4", At(12), "rehab"),
        ],
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Every_arrival_order_of_four_events_derives_the_same_encounter(string sequence)
    {
        var inOrder = Sequence(sequence);
        var expected = EncounterHistory.Derive(inOrder);

        var permutations = Permutations(inOrder).ToList();
        Assert.Equal(24, permutations.Count);
        foreach (var arrival in permutations)
        {
            var derived = EncounterHistory.Derive(arrival);
            Assert.Equal(expected.State, derived.State);
            Assert.Equal(expected.Locations, derived.Locations);
        }
    }

    [Fact]
    public void The_four_event_sequences_derive_what_their_events_say()
    {
        var cancelled = EncounterHistory.Derive(Sequence("transfer-discharge-cancel"));
        var updated = EncounterHistory.Derive(Sequence("register-update-discharge"));

        Assert.Equal(EncounterStatuses.InHouse, cancelled.State.Status);
        Assert.Equal([Stay("4B", At(7, 55), At(11), 1), Stay("ICU", At(11), null, 2, "2", "1")], cancelled.Locations);

        Assert.Equal((EncounterStatuses.Discharged, "PRV-2", "inpatient", "rehab"), (updated.State.Status, updated.State.AttendingProviderId, updated.State.Class, updated.State.Disposition));
        Assert.Equal(
            [Stay("ED", At(6), At(7, 55), 1, null, null), Stay("4B", At(7, 55), At(9), 2), Stay("4B", At(9), At(11, 50), 3, "414", "B")],
            updated.Locations);
    }

    [Fact]
    public void At_the_same_instant_a_cancel_applies_after_what_it_cancels_whatever_the_event_ids()
    {
        var history = EncounterHistory.Derive(
            [Adt(AdtAction.CancelDischarge, "a", At(12)), Discharge("z", At(12)), Admit("y", At(8))]);

        Assert.Equal(EncounterStatuses.InHouse, history.State.Status);
        Assert.Equal("a", history.State.LastEventId);
    }

    [Fact]
    public void An_update_moves_the_patient_only_when_the_place_differs_and_fills_only_what_it_carries()
    {
        var history = EncounterHistory.Derive(
        [
            Admit("a1", At(8)),
            Adt(AdtAction.Update, "a2", At(9), "4B", "412", "A") with { AttendingProviderId = "PRV-3", FacilityId = null, PatientId = null },
            Adt(AdtAction.Update, "a3", At(10)) with { Description = "chest pain", ClassReceived = null, Class = null },
        ]);

        Assert.Equal([Stay("4B", At(7, 55), null, 1)], history.Locations);
        Assert.Equal(("PRV-3", "FAC1", "MRN0001234", "chest pain", "inpatient"),
            (history.State.AttendingProviderId, history.State.FacilityId, history.State.PatientId, history.State.Description, history.State.Class));
        Assert.Equal(EncounterStatuses.InHouse, history.State.Status);
    }

    [Fact]
    public void Records_without_a_unit_produce_no_stays()
    {
        var history = EncounterHistory.Derive([Adt(AdtAction.Admit, "a1", At(8)), Adt(AdtAction.Transfer, "a2", At(9)), Discharge("a3", At(12))]);

        Assert.Empty(history.Locations);
        Assert.Null(history.State.Unit);
        Assert.Equal((EncounterStatuses.Discharged, At(8), At(11, 50)), (history.State.Status, history.State.AdmittedAt, history.State.DischargedAt));
    }

    [Fact]
    public void Only_cancels_void_the_encounter_and_only_updates_leave_it_registered()
    {
        Assert.Equal(EncounterStatuses.Cancelled, EncounterHistory.Derive([Adt(AdtAction.CancelAdmit, "c1", At(9))]).State.Status);
        Assert.Equal(EncounterStatuses.Cancelled, EncounterHistory.Derive([Adt(AdtAction.CancelDischarge, "c1", At(9))]).State.Status);
        Assert.Equal(EncounterStatuses.Registered, EncounterHistory.Derive([Adt(AdtAction.Update, "u1", At(9))]).State.Status);
    }

    private static EncounterRecord Snapshot(string eventId, DateTimeOffset start, DateTimeOffset? end, string status, string unit = "Ward 3") => new()
    {
        EventId = eventId,
        Source = RecordSources.Fhir,
        OccurredAt = start,
        PatientId = "pat-1",
        EncounterId = "enc-1",
        Action = AdtAction.Snapshot,
        ClassReceived = "IMP",
        Class = EncounterClasses.Inpatient,
        Unit = unit,
        AdmittedAt = start,
        DischargedAt = end,
        Status = status,
        Disposition = end is null ? null : "home",
        DispositionReceived = end is null ? null : "home",
        Description = "Hospital admission",
    };

    [Fact]
    public void A_finished_snapshot_is_a_discharged_encounter_with_one_closed_stay()
    {
        var history = EncounterHistory.Derive([Snapshot("s1", At(8), At(20), "finished")]);

        Assert.Equal((EncounterStatuses.Discharged, At(8), At(20), "home"), (history.State.Status, history.State.AdmittedAt, history.State.DischargedAt, history.State.Disposition));
        Assert.Equal(("IMP", "inpatient", "Hospital admission"), (history.State.ClassReceived, history.State.Class, history.State.Description));
        Assert.Equal([Stay("Ward 3", At(8), At(20), 1, null, null)], history.Locations);
    }

    [Fact]
    public void An_in_progress_snapshot_is_in_house_with_an_open_stay()
    {
        var history = EncounterHistory.Derive([Snapshot("s1", At(8), null, "in-progress")]);

        Assert.Equal(EncounterStatuses.InHouse, history.State.Status);
        Assert.Equal([Stay("Ward 3", At(8), null, 1, null, null)], history.Locations);
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("entered-in-error")]
    public void A_voided_snapshot_is_cancelled_and_keeps_no_open_stay(string status)
    {
        var history = EncounterHistory.Derive([Snapshot("s1", At(8), null, status)]);

        Assert.Equal(EncounterStatuses.Cancelled, history.State.Status);
        Assert.Equal([Stay("Ward 3", At(8), At(8), 1, null, null)], history.Locations);
    }

    [Fact]
    public void A_planned_snapshot_is_planned_and_has_no_stay_yet()
    {
        var history = EncounterHistory.Derive([Snapshot("s1", At(30), null, "planned")]);

        Assert.Equal(EncounterStatuses.Planned, history.State.Status);
        Assert.Empty(history.Locations);
    }

    [Fact]
    public void A_later_snapshot_of_the_same_encounter_replaces_the_earlier_one()
    {
        var inProgress = Snapshot("s1", At(8), null, "in-progress");
        var finished = Snapshot("s2", At(8), At(20), "finished") with { OccurredAt = At(20) };

        var history = EncounterHistory.Derive([finished, inProgress]);

        Assert.Equal((EncounterStatuses.Discharged, At(20), 2), (history.State.Status, history.State.DischargedAt, history.State.EventCount));
        Assert.Equal([Stay("Ward 3", At(8), At(20), 1, null, null)], history.Locations);
    }

    [Fact]
    public void Records_of_more_than_one_encounter_or_none_are_refused()
    {
        Assert.Throws<ArgumentException>(() => EncounterHistory.Derive([]));
        Assert.Throws<ArgumentException>(() => EncounterHistory.Derive([Admit("a1", At(8)), Admit("a2", At(9)) with { EncounterId = "ENC779" }]));
        Assert.Throws<ArgumentException>(() => EncounterHistory.Derive([Admit("a1", At(8)), Admit("a2", At(9)) with { Source = RecordSources.Synthea }]));
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
