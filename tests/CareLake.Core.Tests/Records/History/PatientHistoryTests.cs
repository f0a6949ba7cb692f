using CareLake.Core.Records;
using CareLake.Core.Records.History;

namespace CareLake.Core.Tests.Records.History;

public class PatientHistoryTests
{
    private static readonly DateTimeOffset Jan = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Feb = Jan.AddMonths(1);
    private static readonly DateTimeOffset Mar = Jan.AddMonths(2);
    private static readonly DateTimeOffset Apr = Jan.AddMonths(3);

    private static PatientRecord Registration(string eventId, DateTimeOffset occurredAt) => new()
    {
        EventId = eventId,
        Source = RecordSources.Mrn,
        SourceSystem = "FAC1-EHR",
        OccurredAt = occurredAt,
        PatientId = "MRN0001234",
        EncounterId = "ENC-" + eventId,
        GivenName = "Ada",
        FamilyName = "Byron",
        BirthDate = new DateOnly(1950, 12, 10),
        Sex = "female",
        Phone = "555-0100",
        AddressLine1 = "1 Main St",
        City = "Springfield",
        State = "IL",
        PostalCode = "62701",
        Country = "US",
    };

    private static PatientRecord Married(string eventId, DateTimeOffset at) => Registration(eventId, at) with { FamilyName = "King", MaritalStatus = "M" };

    private static PatientRecord Moved(string eventId, DateTimeOffset at) => Married(eventId, at) with { AddressLine1 = "9 Elm St", PostalCode = "62702" };

    [Fact]
    public void Each_change_starts_a_version_that_ends_where_the_next_begins()
    {
        var versions = PatientHistory.Derive([Registration("p1", Jan), Married("p2", Feb), Moved("p3", Mar)]);

        Assert.Equal([1, 2, 3], versions.Select(v => v.VersionNumber));
        Assert.Equal([Jan, Feb, Mar], versions.Select(v => v.ValidFrom));
        Assert.Equal([Feb, Mar, (DateTimeOffset?)null], versions.Select(v => v.ValidTo));
        Assert.Equal(["p1", "p2", "p3"], versions.Select(v => v.EventId));
        Assert.Equal(["Byron", "King", "King"], versions.Select(v => v.Record.FamilyName));
        Assert.Equal(["1 Main St", "1 Main St", "9 Elm St"], versions.Select(v => v.Record.AddressLine1));
        Assert.All(versions, v => Assert.Equal((RecordSources.Mrn, "MRN0001234", new DateOnly(1950, 12, 10)), (v.Source, v.PatientId, v.Record.BirthDate)));
    }

    [Fact]
    public void A_late_update_in_the_middle_re_derives_the_versions_around_it()
    {
        var before = PatientHistory.Derive([Registration("p1", Jan), Moved("p3", Mar)]);
        var lateMiddle = Married("p2", Feb);

        var after = PatientHistory.Derive([Registration("p1", Jan), Moved("p3", Mar), lateMiddle]);

        Assert.Equal([(Jan, (DateTimeOffset?)Mar), (Mar, null)], before.Select(v => (v.ValidFrom, v.ValidTo)));
        Assert.Equal([(1, Jan, (DateTimeOffset?)Feb), (2, Feb, Mar), (3, Mar, null)], after.Select(v => (v.VersionNumber, v.ValidFrom, v.ValidTo)));
        Assert.Equal(("p2", "King", "M", "1 Main St"), (after[1].EventId, after[1].Record.FamilyName, after[1].Record.MaritalStatus, after[1].Record.AddressLine1));
        Assert.Equal(PatientHistory.Derive([Registration("p1", Jan), lateMiddle, Moved("p3", Mar)]), after);
    }

    [Fact]
    public void Identical_consecutive_records_collapse_into_one_version_from_the_first()
    {
        var versions = PatientHistory.Derive(
        [
            Registration("p1", Jan),
            Registration("p2", Feb) with { SourceSystem = "FAC2-EHR" }, // another admit: a new encounter, the same person
            Registration("p3", Mar),
            Married("p4", Apr),
        ]);

        Assert.Equal([("p1", Jan, (DateTimeOffset?)Apr), ("p4", Apr, null)], versions.Select(v => (v.EventId, v.ValidFrom, v.ValidTo)));
    }

    [Fact]
    public void A_return_to_earlier_values_is_a_new_version()
    {
        var versions = PatientHistory.Derive([Registration("p1", Jan), Married("p2", Feb), Registration("p3", Mar)]);

        Assert.Equal(["Byron", "King", "Byron"], versions.Select(v => v.Record.FamilyName));
    }

    [Fact]
    public void Records_of_the_same_instant_apply_in_event_id_order()
    {
        var versions = PatientHistory.Derive([Married("b", Jan), Registration("a", Jan)]);

        Assert.Equal([("a", "Byron", (DateTimeOffset?)Jan), ("b", "King", null)], versions.Select(v => (v.EventId, v.Record.FamilyName!, v.ValidTo)));
    }

    [Fact]
    public void A_change_in_any_demographic_field_starts_a_version()
    {
        var first = Registration("p1", Jan);
        PatientRecord[] changes =
        [
            first with { GivenName = "Augusta" }, first with { BirthDate = new DateOnly(1950, 12, 11) }, first with { DeathDate = new DateOnly(2026, 1, 20) },
            first with { Sex = "other" }, first with { Race = "white" }, first with { Ethnicity = "x" }, first with { MaritalStatus = "S" },
            first with { Language = "fr" }, first with { Phone = "555-0199" }, first with { Ssn = "999-00-0001" }, first with { City = "Peoria" },
            first with { State = "IN" }, first with { PostalCode = "62703" }, first with { Country = "CA" },
        ];

        foreach (var change in changes)
        {
            Assert.Equal(2, PatientHistory.Derive([first, change with { EventId = "p2", OccurredAt = Feb }]).Count);
        }
    }

    [Fact]
    public void No_records_give_no_versions_and_records_of_two_patients_are_refused()
    {
        Assert.Empty(PatientHistory.Derive([]));
        Assert.Throws<ArgumentException>(() => PatientHistory.Derive([Registration("p1", Jan), Registration("p2", Feb) with { PatientId = "MRN9" }]));
    }
}
