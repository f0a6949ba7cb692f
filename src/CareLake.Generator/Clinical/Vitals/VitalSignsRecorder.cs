using System.Globalization;
using CareLake.Core.Hashing;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Clinical.Vitals;

/// <summary>
/// Emits the vital-sign sets of a visit. On wards the interval follows the last NEWS2 as RCP Chart 4 asks
/// (routine sets at the configured ward interval, hourly from 5 or a red score, every 30 minutes from 7);
/// ICU bedside monitors send a set at the ICU interval; temperature and ACVPU are charted every 4 hours, as ICU nursing usually does.
/// </summary>
internal static class VitalSignsRecorder
{
    private static readonly TimeSpan ChartedInIcuEvery = TimeSpan.FromMinutes(235);

    public static void Record(EncounterRecorder recorder, StayCourse course, TimeSpan? fixedInterval = null)
    {
        var options = recorder.Context.Options;
        var random = recorder.Random;
        var patient = recorder.Patient;
        var drift = new PhysiologyDrift();
        var t = Whole(course.AdmitAt.AddMinutes(random.Uniform(4, 25)));
        var lastCharted = DateTimeOffset.MinValue;
        var news2 = 0;
        var red = false;
        while (t < course.EndAt)
        {
            var segment = course.SegmentAt(t);
            var icu = segment.Kind == UnitKind.Icu;
            drift.Advance(t, random);
            var v = VitalSignsModel.Sample(patient.Physiology, course.StateAt(t), drift, random);
            var charted = !icu || t - lastCharted >= ChartedInIcuEvery;
            var location = segment.Snapshot.Location;
            var device = icu
                ? string.Create(CultureInfo.InvariantCulture, $"MON-{location.Unit}-{location.Room}")
                : string.Create(CultureInfo.InvariantCulture, $"VS-{location.Unit}-{StableHash.Of(location.Room) % 8 + 1:D2}");
            recorder.Add(new VitalSignsEvent
            {
                EventId = recorder.NextId("vs"),
                OccurredAt = t,
                MeasuredAt = t,
                Patient = patient,
                Demographics = recorder.DemographicsAt(t),
                Encounter = segment.Snapshot,
                DeviceId = device,
                HeartRate = v.HeartRate,
                RespiratoryRate = v.RespiratoryRate,
                Spo2 = v.Spo2,
                Spo2Scale = patient.Physiology.Spo2Scale,
                OnSupplementalOxygen = v.OnOxygen,
                SystolicBp = v.SystolicBp,
                DiastolicBp = v.DiastolicBp,
                TemperatureCelsius = charted ? v.Temperature : null,
                Consciousness = charted ? v.Consciousness : null,
            });

            if (charted)
            {
                lastCharted = t;
                (news2, red) = News2Scoring.Score(v.RespiratoryRate, v.Spo2, patient.Physiology.Spo2Scale, v.OnOxygen, v.SystolicBp, v.HeartRate, v.Consciousness, v.Temperature) ?? (0, false);
            }

            TimeSpan interval;
            if (fixedInterval is { } f) interval = f;
            else if (icu) interval = options.IcuVitalsInterval;
            else if (news2 >= 7) interval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(30).Ticks, options.EscalatedVitalsInterval.Ticks));
            else if (news2 >= 5 || red) interval = options.EscalatedVitalsInterval;
            else if (segment.Kind == UnitKind.StepDown) interval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(2).Ticks, options.WardVitalsInterval.Ticks));
            else interval = options.WardVitalsInterval;

            // Monitors are periodic; nurses' rounds drift by a few minutes either way.
            t = Whole(icu ? t + interval : t + interval * random.Uniform(0.92, 1.08));
        }
    }
}
