using System.Globalization;
using System.Text;
using CareLake.Core.Scoring;

namespace CareLake.Warehouse.Gold;

/// <summary>
/// The seed <c>Gold/Seeds/charlson_icd10.csv</c> as <see cref="CharlsonConditions"/> defines it, so that gold's SQL and
/// <c>carelake score charlson</c> read one table: one row per group and code prefix, with both weights and the more
/// severe group that drops the milder one (Quan's hierarchy).
/// </summary>
public static class CharlsonSeed
{
    public const string FileName = "charlson_icd10.csv";

    public static string Csv()
    {
        var csv = new StringBuilder("condition,weight_1987,weight_quan2011,prefix,dropped_when\n");
        foreach (var group in CharlsonConditions.Groups)
        {
            var droppedWhen = CharlsonConditions.Hierarchy.Where(h => h.Milder == group.Condition).Select(h => h.Severe.Code()).FirstOrDefault() ?? "";
            foreach (var prefix in group.Prefixes)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{group.Code},{group.Weight1987},{group.WeightQuan2011},{prefix},{droppedWhen}\n");
            }
        }

        return csv.ToString();
    }
}
