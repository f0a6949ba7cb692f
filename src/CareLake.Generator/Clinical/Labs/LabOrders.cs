using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Clinical.Labs;

/// <summary>
/// What is ordered when: CBC and BMP on admission and most mornings, lactate for sepsis-like illness and during
/// deterioration, serial troponin for chest pain and infarction, BNP for heart failure and breathlessness.
/// </summary>
internal static class LabOrders
{
    public static void RecordInpatient(EncounterRecorder recorder, StayCourse course)
    {
        var random = recorder.Random;
        var key = course.Condition.Key;
        var admissionDraw = course.AdmitAt.AddMinutes(random.Uniform(10, 45));
        Order(recorder, course, LabCatalog.CompleteBloodCount, admissionDraw);
        Order(recorder, course, LabCatalog.BasicMetabolicPanel, admissionDraw);
        if (key is "sepsis" or "gi_bleed" or "dka" or "respiratory_failure" || course.DirectIcu || (key == "pneumonia" && random.Chance(0.5)))
        {
            Order(recorder, course, LabCatalog.LactatePanel, admissionDraw);
            if (key == "sepsis") Order(recorder, course, LabCatalog.LactatePanel, admissionDraw.AddHours(random.Uniform(2, 4)));
        }

        var troponin = key switch
        {
            "ami" or "pulmonary_embolism" or "syncope" => 1.0,
            "heart_failure" => 0.7,
            "afib" => 0.5,
            "sepsis" or "respiratory_failure" => 0.3,
            _ => 0.03,
        };
        if (random.Chance(troponin))
        {
            Order(recorder, course, LabCatalog.TroponinPanel, admissionDraw);
            if (key is "ami" or "syncope" || random.Chance(0.5))
            {
                Order(recorder, course, LabCatalog.TroponinPanel, admissionDraw.AddHours(3));
                Order(recorder, course, LabCatalog.TroponinPanel, admissionDraw.AddHours(6));
            }
        }

        var bnp = key switch { "heart_failure" or "respiratory_failure" => 1.0, "pulmonary_embolism" => 0.6, "copd" or "afib" => 0.4, _ => 0.03 };
        if (random.Chance(bnp)) Order(recorder, course, LabCatalog.BnpPanel, admissionDraw);

        // Morning labs: drawn before rounds, between 04:00 and 06:00.
        var day = new DateTimeOffset(course.AdmitAt.Date, course.AdmitAt.Offset).AddDays(1);
        for (; day < course.EndAt; day = day.AddDays(1))
        {
            var draw = day.AddHours(4 + random.NextDouble() * 2);
            if (draw >= course.EndAt || draw - course.AdmitAt < TimeSpan.FromHours(6)) continue;
            var icu = course.SegmentAt(draw).Kind == UnitKind.Icu;
            if (icu || random.Chance(0.75)) Order(recorder, course, LabCatalog.CompleteBloodCount, draw);
            if (icu || random.Chance(0.85)) Order(recorder, course, LabCatalog.BasicMetabolicPanel, draw);
            if (icu && course.EpisodeKind == Diagnoses.DeteriorationKind.SepsisLike) Order(recorder, course, LabCatalog.LactatePanel, draw);
        }

        if (course.Episode is not null)
        {
            // Worried clinicians send bloods while the patient deteriorates, and again at the crisis.
            var midway = course.EpisodeOnset + (course.EpisodePeak - course.EpisodeOnset) * 0.6;
            foreach (var draw in new[] { midway, course.EpisodePeak.AddMinutes(random.Uniform(5, 30)) })
            {
                if (draw >= course.EndAt) continue;
                Order(recorder, course, LabCatalog.LactatePanel, draw);
                Order(recorder, course, LabCatalog.CompleteBloodCount, draw);
                Order(recorder, course, LabCatalog.BasicMetabolicPanel, draw);
            }
        }
    }

    public static void RecordShortVisit(EncounterRecorder recorder, StayCourse course)
    {
        var random = recorder.Random;
        var key = course.Condition.Key;
        var draw = course.AdmitAt.AddMinutes(random.Uniform(15, 60));
        var observation = course.Segments[0].Snapshot.Class == EncounterClass.Observation;
        if (observation || key is "abdominal_pain" or "chest_pain" or "fever" or "uti" or "dizziness" or "nausea" || random.Chance(0.25))
        {
            Order(recorder, course, LabCatalog.CompleteBloodCount, draw);
            Order(recorder, course, LabCatalog.BasicMetabolicPanel, draw);
        }

        if (key is "chest_pain" or "other_chest_pain" or "syncope" or "dyspnea")
        {
            Order(recorder, course, LabCatalog.TroponinPanel, draw);
            Order(recorder, course, LabCatalog.TroponinPanel, draw.AddHours(3));
            if (observation) Order(recorder, course, LabCatalog.TroponinPanel, draw.AddHours(6));
        }

        if (key == "dyspnea") Order(recorder, course, LabCatalog.BnpPanel, draw);
        if (key == "fever" && random.Chance(0.4)) Order(recorder, course, LabCatalog.LactatePanel, draw);
    }

    private static void Order(EncounterRecorder recorder, StayCourse course, LabPanel panel, DateTimeOffset collectedAt)
    {
        if (collectedAt >= course.EndAt) return;
        var random = recorder.Random;
        var patient = recorder.Patient;
        collectedAt = Whole(collectedAt);
        var turnaround = ReferenceEquals(panel, LabCatalog.CompleteBloodCount) ? random.Uniform(15, 45)
            : ReferenceEquals(panel, LabCatalog.BasicMetabolicPanel) ? random.Uniform(25, 60)
            : ReferenceEquals(panel, LabCatalog.LactatePanel) ? random.Uniform(10, 30)
            : random.Uniform(30, 75);
        var resultedAt = Whole(collectedAt.AddMinutes(turnaround));
        var accession = recorder.NextAccession();
        var context = course.LabContextAt(collectedAt);
        var snapshot = course.SegmentAt(collectedAt).Snapshot;
        var demographics = recorder.DemographicsAt(collectedAt);
        foreach (var test in panel.Tests)
        {
            var value = LabValueModel.Value(test, patient, context, random);
            var (low, high) = test.ReferenceRange(patient.Sex);
            var result = new LabResultEvent
            {
                EventId = recorder.NextId("lab"),
                OccurredAt = resultedAt,
                Patient = patient,
                Demographics = demographics,
                Encounter = snapshot,
                Test = test,
                Value = value,
                ReferenceLow = low,
                ReferenceHigh = high,
                Flag = test.Flag(value, patient.Sex),
                SpecimenCollectedAt = collectedAt,
                ResultedAt = resultedAt,
                AccessionNumber = accession,
                Panel = panel,
            };
            recorder.Add(result);

            // Now and then a result is corrected after review (a transcription or specimen problem).
            if (random.Chance(0.003))
            {
                var corrected = Math.Round(value * random.Uniform(0.85, 1.15), test.Decimals, MidpointRounding.AwayFromZero);
                var at = Whole(resultedAt.AddMinutes(random.Uniform(40, 240)));
                recorder.Add(result with
                {
                    EventId = recorder.NextId("lab"),
                    OccurredAt = at,
                    ResultedAt = at,
                    Value = corrected,
                    Flag = test.Flag(corrected, patient.Sex),
                    Status = LabStatus.Corrected,
                });
            }
        }
    }
}
