using CareLake.Core.Contracts;
using CareLake.Core.Hl7;
using CareLake.Core.Records;

namespace CareLake.Interop.Hl7;

/// <summary>
/// ADT events (clinical.md §8.1–8.2). Records, in order: the <see cref="PatientRecord"/> (when the event carries the
/// person), the <see cref="EncounterRecord"/> (both with the message's id), then one <see cref="DiagnosisRecord"/> per
/// coded DG1 (<c>#DG1-n</c>) and one <see cref="ProcedureRecord"/> per coded PR1 (<c>#PR1-n</c>), n counting that
/// segment in the message. Other segments (PD1, NK1, PV2, AL1, IN1, OBX, …) are left in bronze.
/// </summary>
internal static class Hl7AdtMapping
{
    /// <summary>The ADT trigger events CareLake types, with what each does to its visit; null for person-only events.</summary>
    private static readonly Dictionary<string, AdtAction?> Actions = new(StringComparer.Ordinal)
    {
        ["A01"] = AdtAction.Admit,
        ["A04"] = AdtAction.Register,
        ["A05"] = AdtAction.Register,
        ["A02"] = AdtAction.Transfer,
        ["A03"] = AdtAction.Discharge,
        ["A08"] = AdtAction.Update,
        ["A06"] = AdtAction.Update,
        ["A07"] = AdtAction.Update,
        ["A11"] = AdtAction.CancelAdmit,
        ["A13"] = AdtAction.CancelDischarge,
        ["A28"] = null,
        ["A31"] = null,
    };

    /// <summary>Events whose PID is a full demographic snapshot.</summary>
    private static readonly HashSet<string> CarryPatient = new(StringComparer.Ordinal) { "A01", "A04", "A05", "A08", "A28", "A31" };

    public static bool Maps(string trigger) => Actions.ContainsKey(trigger);

    public static ParseResult<MappedMessage> Map(Hl7MessageContext context, string trigger)
    {
        var f = context.Fields;
        var m = context.Message;
        var occurredAt = context.OccurredAt();
        var patientId = context.PatientId();
        if (f.Failed) return f.Rejection!;

        var action = Actions[trigger];
        var visit = context.VisitNumber();
        // A08 (and A28/A31) may update the person outside any visit (PV1-2 N, no PV1-19): then only the person is recorded.
        if (visit is null && action is not (null or AdtAction.Update))
        {
            return new Rejection(RejectionReason.MissingField, $"ADT^{trigger} needs the visit number PV1-19", "PV1-19", context.EventId);
        }

        var records = new List<ClinicalRecord>();
        if (CarryPatient.Contains(trigger)) records.Add(Patient(context, patientId!, visit, occurredAt));
        if (action is { } a && visit is not null)
        {
            records.Add(Encounter(context, a, trigger, patientId!, visit, occurredAt));
            records.AddRange(Diagnoses(context, patientId!, visit, occurredAt));
            records.AddRange(Procedures(context, patientId!, visit, occurredAt));
        }

        if (f.Failed) return f.Rejection!;
        return records.Count == 0 ? MappedMessage.Skip($"HL7 ADT^{trigger} without a visit is stored in bronze only") : new MappedMessage(records);
    }

    private static PatientRecord Patient(Hl7MessageContext context, string patientId, string? visit, DateTimeOffset occurredAt)
    {
        var f = context.Fields;
        var pid = context.Message.Segment("PID")!;
        // From v2.4 the legal name is sent in the first repetition of PID-5.
        const int name = 0;
        var address = Preferred(pid, 11, 7, "H");
        return new PatientRecord
        {
            EventId = context.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = context.SourceSystem,
            OccurredAt = occurredAt,
            PatientId = patientId,
            EncounterId = visit,
            FamilyName = Hl7Fields.Text(pid, 5, name),
            GivenName = Hl7Fields.Text(pid, 5, name, 2),
            BirthDate = f.Date(pid, 7),
            DeathDate = f.Date(pid, 29),
            Sex = Sex(Hl7Fields.Text(pid, 8)),
            Race = CodedText(pid, 10),
            Ethnicity = CodedText(pid, 22),
            MaritalStatus = Hl7Fields.Text(pid, 16),
            Language = Hl7Fields.Text(pid, 15),
            Phone = Phone(pid),
            Ssn = Hl7Fields.Text(pid, 19),
            AddressLine1 = Hl7Fields.Valued(pid.GetJoined(11, address, 1, " ")),
            City = Hl7Fields.Text(pid, 11, address, 3),
            State = Hl7Fields.Text(pid, 11, address, 4),
            PostalCode = Hl7Fields.Text(pid, 11, address, 5),
            Country = Hl7Fields.Text(pid, 11, address, 6),
        };
    }

    private static EncounterRecord Encounter(Hl7MessageContext context, AdtAction action, string trigger, string patientId, string visit, DateTimeOffset occurredAt)
    {
        var f = context.Fields;
        var pv1 = context.Message.Segment("PV1")!;
        var classReceived = Hl7Fields.Text(pv1, 2);
        var encounterClass = trigger switch
        {
            "A06" => EncounterClasses.Inpatient,
            "A07" => EncounterClasses.Outpatient,
            _ => EncounterClasses.Normalize(classReceived),
        };
        var disposition = Hl7Fields.Text(pv1, 36);
        var admittedAt = f.Time(pv1, 44);
        var dischargedAt = f.Time(pv1, 45);
        return new EncounterRecord
        {
            EventId = context.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = context.SourceSystem,
            OccurredAt = occurredAt,
            PatientId = patientId,
            EncounterId = visit,
            Action = action,
            ClassReceived = classReceived,
            Class = encounterClass,
            // PV1-3 is the current location: after an A02 the new one (the prior stays in PV1-6).
            Unit = Hl7Fields.Text(pv1, 3),
            Room = Hl7Fields.Text(pv1, 3, 0, 2),
            Bed = Hl7Fields.Text(pv1, 3, 0, 3),
            FacilityId = Hl7Fields.Text(pv1, 3, 0, 4) ?? context.Message.Header.SendingFacility,
            AdmitSource = Hl7Fields.Text(pv1, 14),
            AdmittedAt = admittedAt,
            // A discharge without PV1-45 ended when the event occurred (EVN-6), else when it was recorded; a cancelled discharge has none.
            DischargedAt = action switch
            {
                AdtAction.CancelDischarge => null,
                AdtAction.Discharge => dischargedAt ?? f.Time(context.Message.Segment("EVN"), 6) ?? occurredAt,
                _ => dischargedAt,
            },
            DispositionReceived = disposition,
            Disposition = Dispositions.Normalize(disposition),
            AttendingProviderId = Hl7Fields.Text(pv1, 7),
        };
    }

    /// <summary>
    /// DG1: code DG1-3.1, text DG1-3.2 (else DG1-4), system DG1-3.3 (else the legacy coding method DG1-2), diagnosed
    /// at DG1-5. Rank is DG1-15 (diagnosis priority, table 0359: 1 = principal, 2… secondary; 0 = not ranked → none);
    /// no rank is guessed from the diagnosis type. DG1-6 A (admitting) means present on admission (<c>Y</c>); W/F
    /// (working/final) say nothing about it. A DG1 without a code is skipped.
    /// </summary>
    private static IEnumerable<DiagnosisRecord> Diagnoses(Hl7MessageContext context, string patientId, string visit, DateTimeOffset occurredAt)
    {
        var n = 0;
        foreach (var dg1 in context.Message.Segments("DG1"))
        {
            n++;
            if (Hl7Fields.Text(dg1, 3) is not { } code) continue;
            var diagnosedAt = context.Fields.Time(dg1, 5);
            yield return new DiagnosisRecord
            {
                EventId = $"{context.EventId}#DG1-{n}",
                Source = RecordSources.Mrn,
                SourceSystem = context.SourceSystem,
                OccurredAt = occurredAt,
                PatientId = patientId,
                EncounterId = visit,
                Code = code,
                Description = Hl7Fields.Text(dg1, 3, 0, 2) ?? Hl7Fields.Text(dg1, 4),
                CodeSystem = CodeSystems.FromUri(Hl7Fields.Text(dg1, 3, 0, 3) ?? Hl7Fields.Text(dg1, 2)),
                Rank = int.TryParse(Hl7Fields.Text(dg1, 15), out var rank) && rank > 0 ? rank : null,
                PresentOnAdmission = Hl7Fields.Text(dg1, 6) == "A" ? "Y" : null,
                DiagnosedAt = diagnosedAt,
            };
        }
    }

    /// <summary>
    /// PR1: code PR1-3.1, text PR1-3.2 (else PR1-4), system PR1-3.3 (else the legacy coding method PR1-2), performed
    /// at PR1-5 (required: a PR1 without it is a rejection), ending PR1-7 minutes later. A PR1 without a code is skipped.
    /// </summary>
    private static IEnumerable<ProcedureRecord> Procedures(Hl7MessageContext context, string patientId, string visit, DateTimeOffset occurredAt)
    {
        var f = context.Fields;
        var n = 0;
        foreach (var pr1 in context.Message.Segments("PR1"))
        {
            n++;
            if (Hl7Fields.Text(pr1, 3) is not { } code) continue;
            var performedAt = f.Time(pr1, 5);
            if (performedAt is null)
            {
                f.Fail(RejectionReason.MissingField, $"PR1 {n} ({code}) has no procedure date/time PR1-5", "PR1-5");
                yield break;
            }

            var minutes = pr1.GetNumber(7);
            yield return new ProcedureRecord
            {
                EventId = $"{context.EventId}#PR1-{n}",
                Source = RecordSources.Mrn,
                SourceSystem = context.SourceSystem,
                OccurredAt = occurredAt,
                PatientId = patientId,
                EncounterId = visit,
                Code = code,
                Description = Hl7Fields.Text(pr1, 3, 0, 2) ?? Hl7Fields.Text(pr1, 4),
                CodeSystem = CodeSystems.FromUri(Hl7Fields.Text(pr1, 3, 0, 3) ?? Hl7Fields.Text(pr1, 2)),
                PerformedAt = performedAt.Value,
                PerformedEndAt = minutes is > 0 and < 100_000 ? performedAt.Value.AddMinutes((double)minutes.Value) : null,
            };
        }
    }

    /// <summary>HL7 table 0001 to FHIR administrative gender (clinical.md §9.1): F, M, O, U, A (ambiguous → other), N (not applicable → other).</summary>
    private static string? Sex(string? code) => code?.ToUpperInvariant() switch
    {
        "F" => "female",
        "M" => "male",
        "O" or "A" or "N" => "other",
        "U" => "unknown",
        _ => null,
    };

    /// <summary>A CE/CWE's text (component 2), else its code.</summary>
    private static string? CodedText(Hl7Segment segment, int field) => Hl7Fields.Text(segment, field, 0, 2) ?? Hl7Fields.Text(segment, field);

    /// <summary>
    /// PID-13: the first repetition's number: area code and local number (XTN 6 and 7, written 217-555-0123 when the
    /// local number has 7 digits), else the legacy formatted number (XTN 1).
    /// </summary>
    private static string? Phone(Hl7Segment pid)
    {
        var area = Hl7Fields.Text(pid, 13, 0, 6);
        var local = Hl7Fields.Text(pid, 13, 0, 7);
        if (local is not null)
        {
            var number = local.Length == 7 && local.All(char.IsAsciiDigit) ? $"{local[..3]}-{local[3..]}" : local;
            return area is null ? number : $"{area}-{number}";
        }

        return Hl7Fields.Text(pid, 13);
    }

    /// <summary>The repetition whose type component equals <paramref name="type"/> (e.g. the legal name, the home address), else the first.</summary>
    private static int Preferred(Hl7Segment segment, int field, int typeComponent, string type)
    {
        for (var r = 0; r < segment.RepetitionCount(field); r++)
        {
            if (Hl7Fields.Text(segment, field, r, typeComponent) == type) return r;
        }

        return 0;
    }
}
