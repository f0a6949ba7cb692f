using CareLake.Core.Contracts;
using CareLake.Core.Hl7;
using CareLake.Core.Records;
using CareLake.Core.Vitals;

namespace CareLake.Interop.Hl7;

/// <summary>
/// Maps one HL7 v2 message (the bronze payload) onto the core's clinical records, ids in the facility's own namespace
/// (<see cref="RecordSources.Mrn"/>: PID-3 MRN, PV1-19 visit number):
/// <list type="bullet">
/// <item>ADT A01/A04/A05/A02/A03/A08/A06/A07/A11/A13 → a <see cref="PatientRecord"/> (A01, A04, A05, A08, and A28/A31
/// which carry only the person) and an <see cref="EncounterRecord"/>, plus DG1 diagnoses and PR1 procedures
/// (<see cref="Hl7AdtMapping"/>);</item>
/// <item>ORU^R01 → one validated vital-sign set per OBR from the vital-sign OBX, and a lab result per other OBX
/// (<see cref="Hl7ObservationMapping"/>).</item>
/// </list>
/// Every other message type or ADT event stays in bronze (a skip). Unreadable messages are rejected as
/// <see cref="RejectionReason.MalformedHl7"/>. The message's id is <c>{MSH-3}|{MSH-4}|{MSH-10}</c>, so a resend with
/// the same control id is a duplicate; the first record returned carries it (suffixed <c>#OBR-n</c>/<c>#OBX-n</c> in
/// ORU, where no record stands for the whole message). Pure and total: it never throws on bad input.
/// </summary>
/// <param name="vitals">The checks vital-sign sets pass (plausibility, DBP below SBP, no future timestamps).</param>
/// <param name="defaultUtcOffset">The offset of timestamps sent without one (the sender's zone); UTC when null.</param>
public sealed class Hl7Mapper(VitalSignsParser? vitals = null, TimeSpan? defaultUtcOffset = null) : IRecordMapper
{
    private readonly VitalSignsParser _vitals = vitals ?? new VitalSignsParser();
    private readonly TimeSpan _defaultOffset = defaultUtcOffset ?? TimeSpan.Zero;

    public ParseResult<MappedMessage> Map(in MessageContext message)
    {
        var parsed = Hl7Message.Parse(message.Payload.Span);
        if (parsed.Error is { } error)
        {
            var reason = error.Kind == Hl7ParseErrorKind.TooLarge ? RejectionReason.PayloadTooLarge : RejectionReason.MalformedHl7;
            return new Rejection(reason, error.Message, error.Location, error.PartialHeader is { ControlId: not null } h ? EventId(h) : null);
        }

        var hl7 = parsed.Message!;
        var header = hl7.Header;
        var eventId = EventId(header);
        var fields = new Hl7Fields(_defaultOffset, eventId);
        var context = new Hl7MessageContext(hl7, eventId, SourceSystem(header), fields, message.ReceivedAt);

        var trigger = header.TriggerEvent ?? Hl7Fields.Text(hl7.Segment("EVN"), 1);
        return (header.MessageCode, trigger) switch
        {
            ("ADT", { } adt) when Hl7AdtMapping.Maps(adt) => Hl7AdtMapping.Map(context, adt),
            ("ORU", "R01") => new Hl7ObservationMapping(context, _vitals).Map(),
            _ => MappedMessage.Skip($"HL7 {header.MessageCode}^{trigger} is stored in bronze only"),
        };
    }

    /// <summary><c>{MSH-3}|{MSH-4}|{MSH-10}</c>: a control id is unique per sending application and facility.</summary>
    public static string EventId(Hl7Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return $"{header.SendingApplication}|{header.SendingFacility}|{header.ControlId}";
    }

    /// <summary>MSH-3, with <c>^MSH-4</c> when the facility is sent.</summary>
    public static string? SourceSystem(Hl7Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.SendingFacility is { } facility ? $"{header.SendingApplication}^{facility}" : header.SendingApplication;
    }
}

/// <summary>What every part of one message's mapping shares.</summary>
internal sealed record Hl7MessageContext(Hl7Message Message, string EventId, string? SourceSystem, Hl7Fields Fields, DateTimeOffset ReceivedAt)
{
    /// <summary>EVN-2 (recorded) when the message has it, else MSH-7; the receive time when neither is sent.</summary>
    public DateTimeOffset OccurredAt()
    {
        var evn = Message.Segment("EVN");
        var msh = Message.Segment("MSH");
        return Fields.Time(evn, 2) ?? Fields.Time(msh, 7) ?? ReceivedAt;
    }

    /// <summary>
    /// PID-3: the ID of the repetition whose identifier type (PID-3.5) is MR, else of the first repetition; null (and a
    /// rejection) when there is none.
    /// </summary>
    public string? PatientId()
    {
        var pid = Message.Segment("PID");
        if (pid is null)
        {
            Fields.Fail(RejectionReason.MissingField, "the message has no PID segment, so no patient identifier (PID-3)", "PID-3");
            return null;
        }

        string? mrn = null;
        for (var r = 0; r < pid.RepetitionCount(3); r++)
        {
            if (Hl7Fields.Text(pid, 3, r, 5) == "MR" && Hl7Fields.Text(pid, 3, r) is { } id)
            {
                mrn = id;
                break;
            }
        }

        mrn ??= Hl7Fields.Text(pid, 3);
        if (mrn is null) Fields.Fail(RejectionReason.MissingField, "PID-3 (patient identifier list) has no identifier", "PID-3");
        return mrn;
    }

    /// <summary>PV1-19.1, the visit number; null when there is no PV1 or it is not valued.</summary>
    public string? VisitNumber() => Hl7Fields.Text(Message.Segment("PV1"), 19);
}
