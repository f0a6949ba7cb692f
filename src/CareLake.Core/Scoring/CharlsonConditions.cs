namespace CareLake.Core.Scoring;

/// <summary>The 17 Charlson comorbidity groups, in the order of Quan et al. (Med Care 2005).</summary>
public enum CharlsonCondition
{
    MyocardialInfarction,
    CongestiveHeartFailure,
    PeripheralVascularDisease,
    CerebrovascularDisease,
    Dementia,
    ChronicPulmonaryDisease,
    RheumaticDisease,
    PepticUlcerDisease,
    MildLiverDisease,
    DiabetesWithoutComplications,
    DiabetesWithComplications,
    HemiplegiaOrParaplegia,
    RenalDisease,
    AnyMalignancy,
    ModerateOrSevereLiverDisease,
    MetastaticSolidTumour,
    AidsHiv,
}

/// <summary>One Charlson group: its output code, both weights and its ICD-10 code prefixes.</summary>
/// <param name="Weight1987">Charlson et al., J Chronic Dis 1987.</param>
/// <param name="WeightQuan2011">Quan et al., Am J Epidemiol 2011.</param>
/// <param name="Prefixes">Undotted, upper-case ICD-10 prefixes; a code belongs to the group when it starts with one.</param>
public sealed record CharlsonGroup(CharlsonCondition Condition, string Code, int Weight1987, int WeightQuan2011, IReadOnlyList<string> Prefixes);

/// <summary>
/// The Charlson groups with the Quan 2005 ICD-10 coding algorithm (as in the <c>charlson_icd10_quan</c> map of the
/// R package comorbidity) and the 1987 and Quan 2011 weights. Each row is written as in the reference table:
/// a range "I425-I429" stands for every code prefix from I425 to I429.
/// </summary>
public static class CharlsonConditions
{
    public static readonly IReadOnlyList<CharlsonGroup> Groups =
    [
        Group(CharlsonCondition.MyocardialInfarction, "myocardial_infarction", 1, 0,
            "I21, I22, I252"),
        Group(CharlsonCondition.CongestiveHeartFailure, "congestive_heart_failure", 1, 2,
            "I099, I110, I130, I132, I255, I420, I425-I429, I43, I50, P290"),
        Group(CharlsonCondition.PeripheralVascularDisease, "peripheral_vascular_disease", 1, 0,
            "I70, I71, I731, I738, I739, I771, I790, I792, K551, K558, K559, Z958, Z959"),
        Group(CharlsonCondition.CerebrovascularDisease, "cerebrovascular_disease", 1, 0,
            "G45, G46, H340, I60-I69"),
        Group(CharlsonCondition.Dementia, "dementia", 1, 2,
            "F00-F03, F051, G30, G311"),
        Group(CharlsonCondition.ChronicPulmonaryDisease, "chronic_pulmonary_disease", 1, 1,
            "I278, I279, J40-J47, J60-J67, J684, J701, J703"),
        Group(CharlsonCondition.RheumaticDisease, "rheumatic_disease", 1, 1,
            "M05, M06, M315, M32-M34, M351, M353, M360"),
        Group(CharlsonCondition.PepticUlcerDisease, "peptic_ulcer_disease", 1, 0,
            "K25-K28"),
        Group(CharlsonCondition.MildLiverDisease, "mild_liver_disease", 1, 2,
            "B18, K700-K703, K709, K713-K715, K717, K73, K74, K760, K762-K764, K768, K769, Z944"),
        Group(CharlsonCondition.DiabetesWithoutComplications, "diabetes_without_complications", 1, 0,
            "E100, E101, E106, E108, E109, E110, E111, E116, E118, E119, E120, E121, E126, E128, E129, " +
            "E130, E131, E136, E138, E139, E140, E141, E146, E148, E149"),
        Group(CharlsonCondition.DiabetesWithComplications, "diabetes_with_complications", 2, 1,
            "E102-E105, E107, E112-E115, E117, E122-E125, E127, E132-E135, E137, E142-E145, E147"),
        Group(CharlsonCondition.HemiplegiaOrParaplegia, "hemiplegia_or_paraplegia", 2, 2,
            "G041, G114, G801, G802, G81, G82, G830-G834, G839"),
        Group(CharlsonCondition.RenalDisease, "renal_disease", 2, 1,
            "I120, I131, N032-N037, N052-N057, N18, N19, N250, Z490-Z492, Z940, Z992"),
        Group(CharlsonCondition.AnyMalignancy, "any_malignancy", 2, 2,
            "C00-C26, C30-C34, C37-C41, C43, C45-C58, C60-C76, C81-C85, C88, C90-C97"),
        Group(CharlsonCondition.ModerateOrSevereLiverDisease, "moderate_or_severe_liver_disease", 3, 4,
            "I850, I859, I864, I982, K704, K711, K721, K729, K765-K767"),
        Group(CharlsonCondition.MetastaticSolidTumour, "metastatic_solid_tumour", 6, 6,
            "C77-C80"),
        Group(CharlsonCondition.AidsHiv, "aids_hiv", 6, 2,
            "B20-B22, B24"),
    ];

    /// <summary>Each pair (milder, more severe): the milder form is not counted when the more severe one is present.</summary>
    public static readonly IReadOnlyList<(CharlsonCondition Milder, CharlsonCondition Severe)> Hierarchy =
    [
        (CharlsonCondition.MildLiverDisease, CharlsonCondition.ModerateOrSevereLiverDisease),
        (CharlsonCondition.DiabetesWithoutComplications, CharlsonCondition.DiabetesWithComplications),
        (CharlsonCondition.AnyMalignancy, CharlsonCondition.MetastaticSolidTumour),
    ];

    public static CharlsonGroup Of(CharlsonCondition condition) => Groups[(int)condition];

    private static CharlsonGroup Group(CharlsonCondition condition, string code, int weight1987, int weightQuan2011, string prefixes) =>
        new(condition, code, weight1987, weightQuan2011, [.. prefixes.Split(',', StringSplitOptions.TrimEntries).SelectMany(Expand)]);

    /// <summary>"I425-I429" to I425, I426, …, I429: both ends share the letter and the number of digits.</summary>
    private static IEnumerable<string> Expand(string entry)
    {
        if (entry.Split('-') is not [var first, var last])
        {
            return [entry];
        }

        var digits = first.Length - 1;
        var from = int.Parse(first.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var to = int.Parse(last.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        return Enumerable.Range(from, to - from + 1)
            .Select(n => first[0] + n.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0'));
    }
}
