using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;

namespace CareLake.Interop.Synthea;

/// <summary>
/// One set of vital-sign observation rows (same PATIENT, ENCOUNTER and DATE) as a <see cref="VitalSignsRecord"/>:
/// the NEWS2 parameters by LOINC code (clinical.md §9.2); height, weight, BMI, pain and other vitals do not contribute.
/// </summary>
internal static class SyntheaVitalSigns
{

    public static ParseResult<MappedMessage> Map(List<SyntheaRow> rows, string eventId, string source, VitalSignsParser parser, DateTimeOffset receivedAt)
    {
        var first = rows[0];
        var measuredAt = first.Instant("DATE", required: true);
        var patient = first.Text("PATIENT", required: true);
        var encounter = first.Text("ENCOUNTER");
        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal? celsius = null;
        TemperatureUnit? unitReceived = null;
        foreach (var row in rows)
        {
            if (!row.HasColumn("CATEGORY") || row.Text("CATEGORY") is { } category && SyntheaVitalCodes.IsVitalSign(category, null))
            {
                RequireSameSet(first, row);
            }
            else
            {
                row.Fail(RejectionReason.InvalidValue, "a vital-sign set holds only vital-sign rows", "CATEGORY");
            }

            var code = row.Text("CODE", required: true)?.Trim();
            if (code is null || !VitalSignCodes.News2Parameters.Contains(code) || values.ContainsKey(code)) continue;
            if (row.Number("VALUE", required: true) is not { } value) continue;
            values[code] = value;
            if (code == VitalSignCodes.BodyTemperature)
            {
                (celsius, unitReceived) = Celsius(row, value);
            }
        }

        if (rows.FirstOrDefault(r => r.Failed) is { } failed) return failed.Rejection!;
        if (values.Count == 0)
        {
            return MappedMessage.Skip("vital signs without any NEWS2 parameter (height, weight, BMI, pain, …): not imported");
        }

        var vitals = new VitalSigns(
            eventId,
            patient!,
            encounter,
            DeviceId: null,
            SourceSystem: null,
            OccurredAt: measuredAt!.Value,
            MeasuredAt: measuredAt.Value,
            HeartRate: Value(values, VitalSignCodes.HeartRate),
            RespiratoryRate: Value(values, VitalSignCodes.RespiratoryRate),
            Spo2: Value(values, VitalSignCodes.PulseOximetry) ?? Value(values, VitalSignCodes.OxygenSaturation),
            Spo2Scale: 1,
            OnSupplementalOxygen: null,
            SystolicBp: Value(values, VitalSignCodes.SystolicBp),
            DiastolicBp: Value(values, VitalSignCodes.DiastolicBp),
            TemperatureCelsius: celsius,
            TemperatureUnitReceived: unitReceived,
            Consciousness: null);

        var validated = parser.Validate(vitals, receivedAt);
        if (validated.Rejection is { } rejection) return rejection;

        return MappedMessage.Of(new VitalSignsRecord
        {
            EventId = eventId,
            Source = source,
            OccurredAt = measuredAt.Value,
            PatientId = patient,
            EncounterId = encounter,
            Vitals = validated.Value!,
        });
    }

    /// <summary>Rows of one set share PATIENT, ENCOUNTER and DATE, as <see cref="SyntheaCsvReader"/> groups them.</summary>
    private static void RequireSameSet(SyntheaRow first, SyntheaRow row)
    {
        foreach (var column in (string[])["PATIENT", "ENCOUNTER", "DATE"])
        {
            if (!string.Equals(first.Text(column), row.Text(column), StringComparison.Ordinal))
            {
                row.Fail(RejectionReason.InconsistentValues, $"the rows of a vital-sign set must share PATIENT, ENCOUNTER and DATE; {column} differs", column);
                return;
            }
        }
    }

    /// <summary>Body temperature in °C, 2 decimals when converted from °F; without UNITS, 70–120 is read as °F (clinical.md §10).</summary>
    private static (decimal? Celsius, TemperatureUnit? Unit) Celsius(SyntheaRow row, decimal value)
    {
        var unit = row.Text("UNITS")?.Trim();
        var received = Temperatures.UnitOf(unit, value);

        if (received is null)
        {
            row.Fail(RejectionReason.InvalidValue, $"UNITS of a body temperature must be Cel or [degF]; got '{SyntheaRow.Truncate(unit!)}'", "UNITS");
            return (null, null);
        }

        var celsius = Temperatures.ToCelsius(value, received.Value);
        return (celsius, received);
    }

    private static decimal? Value(Dictionary<string, decimal> values, string code) => values.TryGetValue(code, out var v) ? v : null;
}
