using CareLake.Generator.Model;

namespace CareLake.Generator.Encounters;

/// <summary>One inpatient stay as the readmission rule sees it: dates in facility local time.</summary>
public readonly record struct InpatientStay(DateOnly AdmitDate, DateOnly? DischargeDate, DischargeDisposition? Disposition);

/// <summary>
/// 30-day all-cause unplanned readmission, the reference algorithm of clinical.md §5.3: transfer-linked stays form
/// one episode; index episodes are discharged alive, not against advice, not transferred out, with a complete 30-day
/// follow-up inside the data; the outcome is a next episode admitted 1–30 days after the index discharge.
/// The generator simulates every readmission as unplanned, so no planned-stay filter is applied here (planned-care
/// procedures given during an acute stay do not make it planned).
/// </summary>
public static class ReadmissionCalculator
{
    public static (int IndexStays, int Readmissions) Count(IEnumerable<IReadOnlyList<InpatientStay>> stayListsPerPatient, DateOnly dataCutOff)
    {
        ArgumentNullException.ThrowIfNull(stayListsPerPatient);
        var (index, readmitted) = (0, 0);
        foreach (var stays in stayListsPerPatient)
        {
            var episodes = Episodes(stays);
            for (var i = 0; i < episodes.Count; i++)
            {
                var episode = episodes[i];
                if (episode.DischargeDate is not { } discharged) continue;
                if (episode.Disposition is DischargeDisposition.Expired or DischargeDisposition.AgainstMedicalAdvice or DischargeDisposition.Transfer) continue;
                if (dataCutOff < discharged.AddDays(30)) continue;
                index++;
                if (i + 1 < episodes.Count)
                {
                    var gap = episodes[i + 1].AdmitDate.DayNumber - discharged.DayNumber;
                    if (gap is >= 1 and <= 30) readmitted++;
                }
            }
        }

        return (index, readmitted);
    }

    private static List<InpatientStay> Episodes(IReadOnlyList<InpatientStay> stays)
    {
        var sorted = stays.OrderBy(s => s.AdmitDate).ToList();
        var episodes = new List<InpatientStay>();
        foreach (var stay in sorted)
        {
            if (episodes.Count > 0 && episodes[^1] is { Disposition: DischargeDisposition.Transfer, DischargeDate: { } d } &&
                (stay.AdmitDate == d || stay.AdmitDate == d.AddDays(1)))
            {
                episodes[^1] = episodes[^1] with { DischargeDate = stay.DischargeDate, Disposition = stay.Disposition };
            }
            else
            {
                episodes.Add(stay);
            }
        }

        return episodes;
    }
}
