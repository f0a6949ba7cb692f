using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using Hl7.Fhir.Model;

namespace CareLake.Interop.Fhir;

/// <summary>
/// Maps vital-sign Observations of one measurement onto one validated <see cref="VitalSigns"/> set, by LOINC code
/// (reference/clinical.md §9.2): heart rate, respiratory rate, SpO₂, body temperature, blood pressure (panel components
/// or standalone), and the inhaled-oxygen flow/concentration that US Core Pulse Oximetry carries. Height, weight, BMI and
/// panels that only list members carry nothing NEWS2 scores: such a set is skipped, not rejected.
/// </summary>
internal sealed class FhirVitalSignsMapping(string source, VitalSignsParser parser)
{

    /// <summary>Room air is 21 % oxygen; more than that is supplemental.</summary>
    private const decimal RoomAirOxygenPercent = 21m;

    private static readonly string[] VoidStatuses = ["cancelled", "entered-in-error"];

    public ParseResult<MappedMessage> Map(IReadOnlyList<Observation> observations, string eventId, in MessageContext message)
    {
        var first = observations[0];
        var patientId = first.Subject is { } subject
            ? FhirReferences.Id(subject.Reference, message) ?? FhirValues.NullIfBlank(subject.Identifier?.Value)
            : null;
        if (patientId is null) return new Rejection(RejectionReason.MissingField, "a vital-sign Observation needs a subject", "subject", eventId);
        var measuredAt = FhirValues.Time(first.Effective);
        if (measuredAt is null) return new Rejection(RejectionReason.MissingField, "a vital-sign Observation needs effectiveDateTime or effectivePeriod.start", "effective", eventId);

        var values = new Values();
        foreach (var observation in observations.Where(o => !VoidStatuses.Contains(o.StatusElement?.Literal)))
        {
            var rejection = values.Add(FhirValues.LoincCodes(observation.Code), observation.Value, eventId);
            foreach (var component in observation.Component)
            {
                rejection ??= values.Add(FhirValues.LoincCodes(component.Code), component.Value, eventId);
            }

            if (rejection is not null) return rejection;
        }

        if (!values.HasNews2Parameter)
        {
            return MappedMessage.Skip("FHIR vital signs without a NEWS2 parameter (e.g. height, weight, BMI, a panel of members) are kept in bronze only");
        }

        var encounterReference = first.Encounter?.Reference;
        var deviceReference = first.Device?.Reference;
        var vitals = new VitalSigns(
            eventId,
            patientId,
            encounterReference is null ? null : FhirReferences.Id(encounterReference, message),
            deviceReference is null ? null : FhirReferences.Id(deviceReference, message),
            SourceSystem: null,
            OccurredAt: measuredAt.Value,
            MeasuredAt: measuredAt.Value,
            values.HeartRate,
            values.RespiratoryRate,
            values.Spo2,
            Spo2Scale: 1,
            values.OnSupplementalOxygen,
            values.Systolic,
            values.Diastolic,
            values.TemperatureCelsius,
            values.TemperatureUnit,
            Consciousness: null);
        var validated = parser.Validate(vitals, message.ReceivedAt);
        if (validated.Rejection is { } invalid) return invalid;
        return MappedMessage.Of(new VitalSignsRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patientId,
            EncounterId = vitals.EncounterId,
            OccurredAt = measuredAt.Value,
            Vitals = validated.Value!,
        });
    }

    /// <summary>The measurements of one set; the first value of each parameter counts.</summary>
    private sealed class Values
    {
        public decimal? HeartRate { get; private set; }
        public decimal? RespiratoryRate { get; private set; }
        public decimal? Spo2 { get; private set; }
        public bool? OnSupplementalOxygen { get; private set; }
        public decimal? Systolic { get; private set; }
        public decimal? Diastolic { get; private set; }
        public decimal? TemperatureCelsius { get; private set; }
        public TemperatureUnit? TemperatureUnit { get; private set; }

        public bool HasNews2Parameter =>
            HeartRate is not null || RespiratoryRate is not null || Spo2 is not null || OnSupplementalOxygen is not null ||
            Systolic is not null || Diastolic is not null || TemperatureCelsius is not null;

        /// <summary>Takes a coded value; a temperature in a unit that is neither °C nor °F is a rejection.</summary>
        public Rejection? Add(IEnumerable<string> loincCodes, DataType? value, string eventId)
        {
            if (value is not Quantity { Value: { } number } quantity) return null;
            foreach (var code in loincCodes)
            {
                switch (code)
                {
                    case VitalSignCodes.HeartRate: HeartRate ??= number; return null;
                    case VitalSignCodes.RespiratoryRate: RespiratoryRate ??= number; return null;
                    case VitalSignCodes.OxygenSaturation or VitalSignCodes.PulseOximetry: Spo2 ??= number; return null;
                    case VitalSignCodes.SystolicBp: Systolic ??= number; return null;
                    case VitalSignCodes.DiastolicBp: Diastolic ??= number; return null;
                    case VitalSignCodes.InhaledOxygenFlowRate: OnSupplementalOxygen ??= number > 0; return null;
                    case VitalSignCodes.InhaledOxygenConcentration: OnSupplementalOxygen ??= number > RoomAirOxygenPercent; return null;
                    case VitalSignCodes.BodyTemperature: return AddTemperature(number, FhirValues.NullIfBlank(quantity.Code) ?? FhirValues.NullIfBlank(quantity.Unit), eventId);
                }
            }

            return null;
        }

        private Rejection? AddTemperature(decimal value, string? unit, string eventId)
        {
            if (TemperatureCelsius is not null) return null;
            var parsed = Temperatures.UnitOf(unit, value);
            if (parsed is null)
            {
                return new Rejection(RejectionReason.InvalidValue, $"body temperature unit must be Cel or [degF]; got '{unit}'", "temperature", eventId);
            }

            TemperatureUnit = parsed;
            TemperatureCelsius = Temperatures.ToCelsius(value, parsed.Value);
            return null;
        }
    }
}
