using CareLake.Core.Contracts;
using CareLake.Core.Hl7;
using CareLake.Core.Records;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;

namespace CareLake.Interop.Hl7;

/// <summary>
/// ORU^R01 results. The numeric vital-sign OBX under one OBR (clinical.md §9.2 LOINC codes, plus the local codes
/// O2FLAG, SPO2SCALE and ACVPU that CareLake's generator sends for NEWS2) form one <see cref="VitalSignsRecord"/>
/// (<c>#OBR-n</c>), validated like every other source's vitals; every other coded OBX is a
/// <see cref="LabResultRecord"/> (<c>#OBX-n</c>, n counting OBX in the message). A vital-sign code with a non-numeric
/// value type (e.g. RP, a pointer to an image) is left in bronze.
/// </summary>
internal sealed class Hl7ObservationMapping(Hl7MessageContext context, VitalSignsParser parser)
{
    private const string OxygenFlagCode = "O2FLAG";
    private const string Spo2ScaleCode = "SPO2SCALE";
    private const string ConsciousnessCode = "ACVPU";

    /// <summary>Room air is 21 % oxygen; more than that is supplemental.</summary>
    private const decimal RoomAirOxygenPercent = 21m;

    private static readonly HashSet<string> VitalCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        VitalSignCodes.HeartRate, VitalSignCodes.RespiratoryRate, VitalSignCodes.OxygenSaturation, VitalSignCodes.PulseOximetry, VitalSignCodes.BodyTemperature, VitalSignCodes.SystolicBp, VitalSignCodes.DiastolicBp,
        VitalSignCodes.InhaledOxygenFlowRate, VitalSignCodes.InhaledOxygenConcentration, OxygenFlagCode, Spo2ScaleCode, ConsciousnessCode,
    };


    /// <summary>OBX-11 values that withdraw a result (X cannot be obtained, D delete, W wrong patient): no vital sign.</summary>
    private static readonly string[] WithdrawnStatuses = ["X", "D", "W"];

    private readonly Hl7Fields _f = context.Fields;

    public ParseResult<MappedMessage> Map()
    {
        var occurredAt = context.OccurredAt();
        var patientId = context.PatientId();
        if (_f.Failed) return _f.Rejection!;
        var visit = context.VisitNumber();

        var records = new List<ClinicalRecord>();
        var obrNumber = 0;
        var obxNumber = 0;
        Hl7Segment? obr = null;
        VitalSet? vitals = null;
        foreach (var segment in context.Message.AllSegments)
        {
            if (segment.Id == "OBR")
            {
                AddVitals(records, vitals, patientId!, visit, occurredAt);
                vitals = null;
                obr = segment;
                obrNumber++;
            }
            else if (segment.Id == "OBX")
            {
                obxNumber++;
                if (Hl7Fields.Text(segment, 3) is not { } code) continue;
                if (VitalCodes.Contains(code))
                {
                    if (IsNumericType(segment) && !WithdrawnStatuses.Contains(Hl7Fields.Text(segment, 11)))
                    {
                        (vitals ??= new VitalSet(obrNumber, obr)).Add(segment, code.ToUpperInvariant(), _f);
                    }

                    continue;
                }

                records.Add(Lab(segment, code, obr, obxNumber, patientId!, visit, occurredAt));
            }

            if (_f.Failed) return _f.Rejection!;
        }

        AddVitals(records, vitals, patientId!, visit, occurredAt);
        if (_f.Failed) return _f.Rejection!;
        return records.Count == 0 ? MappedMessage.Skip("HL7 ORU^R01 without coded results is stored in bronze only") : new MappedMessage(records);
    }

    private void AddVitals(List<ClinicalRecord> records, VitalSet? set, string patientId, string? visit, DateTimeOffset occurredAt)
    {
        if (set is null || _f.Failed || !set.HasMeasurement) return;
        var eventId = $"{context.EventId}#OBR-{set.ObrNumber}";
        var measuredAt = set.MeasuredAt ?? _f.Time(set.Obr, 7) ?? occurredAt;
        var vitals = new VitalSigns(
            eventId, patientId, visit, set.DeviceId, context.SourceSystem, occurredAt, measuredAt,
            set.HeartRate, set.RespiratoryRate, set.Spo2, set.Spo2Scale ?? 1, set.OnSupplementalOxygen, set.Systolic, set.Diastolic,
            set.TemperatureCelsius, set.TemperatureUnit, set.Consciousness);
        var validated = parser.Validate(vitals, context.ReceivedAt);
        if (validated.Rejection is { } rejection)
        {
            _f.Fail(rejection.Reason, rejection.Message, rejection.Field ?? "OBX-5");
            return;
        }

        records.Add(new VitalSignsRecord
        {
            EventId = eventId,
            Source = RecordSources.Mrn,
            SourceSystem = context.SourceSystem,
            OccurredAt = occurredAt,
            PatientId = patientId,
            EncounterId = visit,
            Vitals = validated.Value!,
        });
    }

    private LabResultRecord Lab(Hl7Segment obx, string code, Hl7Segment? obr, int obxNumber, string patientId, string? visit, DateTimeOffset occurredAt)
    {
        var (numeric, text) = Value(obx);
        var (low, high) = Hl7ReferenceRange.Parse(Hl7Fields.Text(obx, 7));
        return new LabResultRecord
        {
            EventId = $"{context.EventId}#OBX-{obxNumber}",
            Source = RecordSources.Mrn,
            SourceSystem = context.SourceSystem,
            OccurredAt = occurredAt,
            PatientId = patientId,
            EncounterId = visit,
            LoincCode = code,
            TestName = Hl7Fields.Text(obx, 3, 0, 2) ?? Hl7Fields.Text(obx, 3, 0, 9),
            ValueNumeric = numeric,
            ValueText = text,
            Unit = Hl7Fields.Text(obx, 6),
            ReferenceLow = low,
            ReferenceHigh = high,
            AbnormalFlag = Hl7Fields.Text(obx, 8),
            SpecimenCollectedAt = _f.Time(obr, 7) ?? _f.Time(obx, 14),
            ResultedAt = _f.Time(obr, 22) ?? _f.Time(obx, 19),
            Status = Hl7Fields.Text(obx, 11)?.ToUpperInvariant() switch
            {
                "F" => "final",
                "P" => "preliminary",
                "C" => "corrected",
                "X" => "cancelled",
                _ => null,
            },
        };
    }

    /// <summary>
    /// OBX-5 by its value type (OBX-2): NM a number (text when it is not one); SN a number when it is a plain
    /// <c>=</c> value, else its parts as text (<c>&lt;5</c>, <c>1:128</c>); CE/CWE/CNE the text, else the code; ED (encoded
    /// binary) nothing; anything else the text of every repetition, one per line.
    /// </summary>
    private static (decimal? Numeric, string? Text) Value(Hl7Segment obx)
    {
        var type = Hl7Fields.Text(obx, 2)?.ToUpperInvariant();
        var first = Hl7Fields.Text(obx, 5);
        switch (type)
        {
            case "NM":
                return Hl7Number.TryParse(first, out var number) ? (number, null) : (null, first);
            case "SN":
                var comparator = Hl7Fields.Text(obx, 5, 0, 1);
                var separator = Hl7Fields.Text(obx, 5, 0, 3);
                if (comparator is null or "=" && separator is null && Hl7Number.TryParse(Hl7Fields.Text(obx, 5, 0, 2), out var plain)) return (plain, null);
                var parts = Enumerable.Range(1, 4).Select(c => Hl7Fields.Text(obx, 5, 0, c)).Where(p => p is not null);
                return (null, Hl7Fields.Valued(string.Concat(parts)));
            case "CE" or "CWE" or "CNE" or "CF":
                return (null, Hl7Fields.Text(obx, 5, 0, 2) ?? first ?? Hl7Fields.Text(obx, 5, 0, 9));
            case "ED":
                return (null, null);
            default:
                var lines = Enumerable.Range(0, obx.RepetitionCount(5)).Select(r => obx.Get(5, r) ?? "");
                return (null, Hl7Fields.Valued(string.Join('\n', lines)));
        }
    }

    private static bool IsNumericType(Hl7Segment obx) => Hl7Fields.Text(obx, 2)?.ToUpperInvariant() is null or "NM" or "SN" or "ST";

    /// <summary>The vital signs of one OBR; the first value of each parameter counts.</summary>
    private sealed class VitalSet(int obrNumber, Hl7Segment? obr)
    {
        public int ObrNumber { get; } = obrNumber;
        public Hl7Segment? Obr { get; } = obr;
        public decimal? HeartRate { get; private set; }
        public decimal? RespiratoryRate { get; private set; }
        public decimal? Spo2 { get; private set; }
        public int? Spo2Scale { get; private set; }
        public bool? OnSupplementalOxygen { get; private set; }
        public decimal? Systolic { get; private set; }
        public decimal? Diastolic { get; private set; }
        public decimal? TemperatureCelsius { get; private set; }
        public TemperatureUnit? TemperatureUnit { get; private set; }
        public Consciousness? Consciousness { get; private set; }
        public DateTimeOffset? MeasuredAt { get; private set; }
        public string? DeviceId { get; private set; }

        public bool HasMeasurement =>
            HeartRate is not null || RespiratoryRate is not null || Spo2 is not null || OnSupplementalOxygen is not null ||
            Systolic is not null || Diastolic is not null || TemperatureCelsius is not null || Consciousness is not null;

        /// <summary>Takes one OBX; an unreadable value is a rejection naming the OBX.</summary>
        public void Add(Hl7Segment obx, string code, Hl7Fields f)
        {
            var text = Hl7Fields.Text(obx, 5);
            if (text is null) return;
            MeasuredAt ??= f.Time(obx, 14);
            DeviceId ??= Hl7Fields.Text(obx, 18);
            switch (code)
            {
                case OxygenFlagCode:
                    OnSupplementalOxygen ??= text.ToUpperInvariant() switch { "Y" or "YES" or "TRUE" => true, "N" or "NO" or "FALSE" => false, _ => Invalid(f, obx, code, text, "Y or N") };
                    return;
                case ConsciousnessCode:
                    Consciousness ??= Acvpu(text) ?? Invalid<Consciousness>(f, obx, code, text, "A, C, V, P or U");
                    return;
            }

            if (!Hl7Number.TryParse(text, out var value))
            {
                Invalid<bool>(f, obx, code, text, "a number");
                return;
            }

            switch (code)
            {
                case VitalSignCodes.HeartRate: HeartRate ??= value; break;
                case VitalSignCodes.RespiratoryRate: RespiratoryRate ??= value; break;
                case VitalSignCodes.OxygenSaturation or VitalSignCodes.PulseOximetry: Spo2 ??= value; break;
                case VitalSignCodes.SystolicBp: Systolic ??= value; break;
                case VitalSignCodes.DiastolicBp: Diastolic ??= value; break;
                case VitalSignCodes.InhaledOxygenFlowRate: OnSupplementalOxygen ??= value > 0; break;
                case VitalSignCodes.InhaledOxygenConcentration: OnSupplementalOxygen ??= value > RoomAirOxygenPercent; break;
                case Spo2ScaleCode when value is 1 or 2: Spo2Scale ??= (int)value; break;
                case Spo2ScaleCode: Invalid<bool>(f, obx, code, text, "1 or 2"); break;
                case VitalSignCodes.BodyTemperature: AddTemperature(value, Hl7Fields.Text(obx, 6), f); break;
            }
        }

        private void AddTemperature(decimal value, string? unit, Hl7Fields f)
        {
            if (TemperatureCelsius is not null) return;
            var parsed = Temperatures.UnitOf(unit, value);
            if (parsed is null)
            {
                f.Fail(RejectionReason.InvalidValue, $"body temperature unit (OBX-6) must be Cel or [degF]; got '{Hl7Fields.Truncate(unit!)}'", "OBX-6");
                return;
            }

            TemperatureUnit = parsed;
            TemperatureCelsius = Temperatures.ToCelsius(value, parsed.Value);
        }

        /// <summary>ACVPU as a letter or as the level's name (Alert, NewConfusion/Confusion, Voice, Pain, Unresponsive).</summary>
        private static Consciousness? Acvpu(string text) => text.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "A" or "ALERT" => Core.Scoring.Consciousness.Alert,
            "C" or "NEWCONFUSION" or "CONFUSION" or "CONFUSED" => Core.Scoring.Consciousness.NewConfusion,
            "V" or "VOICE" => Core.Scoring.Consciousness.Voice,
            "P" or "PAIN" => Core.Scoring.Consciousness.Pain,
            "U" or "UNRESPONSIVE" => Core.Scoring.Consciousness.Unresponsive,
            _ => null,
        };

        private static T? Invalid<T>(Hl7Fields f, Hl7Segment obx, string code, string text, string expected) where T : struct
        {
            f.Fail(RejectionReason.InvalidValue, $"OBX {Hl7Fields.Text(obx, 1) ?? "?"} ({code}) value '{Hl7Fields.Truncate(text)}' must be {expected}", "OBX-5");
            return null;
        }

        private static bool? Invalid(Hl7Fields f, Hl7Segment obx, string code, string text, string expected) => Invalid<bool>(f, obx, code, text, expected);
    }
}
