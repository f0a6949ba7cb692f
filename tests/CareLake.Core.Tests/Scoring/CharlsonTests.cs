using CareLake.Core.Scoring;

namespace CareLake.Core.Tests.Scoring;

/// <summary>The worked examples, hierarchy and matching rule of reference/clinical.md §4 (Charlson, Quan 2005 ICD-10).</summary>
public class CharlsonTests
{
    private static string[] Codes(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string Conditions(CharlsonResult result) => string.Join(",", result.Conditions.Select(c => c.Code()));

    /// <summary>The 1987-weight index without the hierarchy: every group any code belongs to, counted once.</summary>
    private static int IndexWithoutHierarchy(string[] codes) =>
        codes.SelectMany(Charlson.ConditionsOf).Distinct().Sum(c => CharlsonConditions.Of(c).Weight1987);

    // §4 worked examples: codes | 1987 + hierarchy | 1987 without hierarchy | Quan 2011 + hierarchy
    [Theory]
    [InlineData("I50.9, E11.22, E11.9, C78.0, C34.1, J44.1", 10, 13, 10)]
    [InlineData("J44.1, I50.9", 2, 2, 3)]
    [InlineData("I21.4, I63.9, K70.30, K70.40, N18.4, B20", 13, 14, 7)]
    [InlineData("Z99.2, E10.9", 3, 3, 1)]
    public void Worked_example_scores_as_published(string codeList, int index1987, int index1987WithoutHierarchy, int indexQuan2011)
    {
        var codes = Codes(codeList);

        var result = Charlson.Score(codes);

        Assert.Equal(index1987, result.Index);
        Assert.Equal(index1987WithoutHierarchy, IndexWithoutHierarchy(codes));
        Assert.Equal(indexQuan2011, result.IndexQuan2011);
    }

    [Fact]
    public void Worked_example_1_flags_and_keeps_the_severe_forms()
    {
        var codes = Codes("I50.9, E11.22, E11.9, C78.0, C34.1, J44.1");

        Assert.Equal(
            "congestive_heart_failure,diabetes_with_complications,diabetes_without_complications,metastatic_solid_tumour,any_malignancy,chronic_pulmonary_disease",
            string.Join(",", codes.SelectMany(Charlson.ConditionsOf).Select(c => c.Code())));
        Assert.Equal(
            "congestive_heart_failure,chronic_pulmonary_disease,diabetes_with_complications,metastatic_solid_tumour",
            Conditions(Charlson.Score(codes)));
    }

    [Fact]
    public void Worked_example_3_flags_mi_cvd_both_liver_forms_renal_and_aids()
    {
        var result = Charlson.Score(Codes("I21.4, I63.9, K70.30, K70.40, N18.4, B20"));

        Assert.Equal("myocardial_infarction,cerebrovascular_disease,renal_disease,moderate_or_severe_liver_disease,aids_hiv", Conditions(result));
    }

    [Fact]
    public void Matching_rule_example_E11_22_matches_the_E112_prefix()
    {
        Assert.Equal(new[] { CharlsonCondition.DiabetesWithComplications }, Charlson.ConditionsOf("E11.22"));
        Assert.Equal("E1122", Charlson.Normalize("E11.22"));
    }

    [Theory]
    [InlineData("I50.9")]
    [InlineData("I509")]
    [InlineData("i50.9")]
    [InlineData(" i509 ")]
    [InlineData("I50")]
    public void Dotted_undotted_and_any_case_codes_match_alike(string code) =>
        Assert.Equal(new[] { CharlsonCondition.CongestiveHeartFailure }, Charlson.ConditionsOf(code));

    [Theory]
    [InlineData("R69")]
    [InlineData("Z00.00")]
    [InlineData("I5")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData(null)]
    [InlineData("E08.22")]
    [InlineData("E09.9")]
    [InlineData("C44.91")]
    [InlineData("I25.1")]
    public void Unknown_or_unlisted_codes_are_ignored(string? code)
    {
        Assert.Empty(Charlson.ConditionsOf(code));
        Assert.Equal(1, Charlson.Score(["I50.9", code]).Index);
    }

    [Fact]
    public void No_codes_score_0()
    {
        var result = Charlson.Score([]);

        Assert.Empty(result.Conditions);
        Assert.Equal(0, result.Index);
        Assert.Equal(0, result.IndexQuan2011);
    }

    [Fact]
    public void A_group_counts_once_however_many_of_its_codes_are_present()
    {
        var result = Charlson.Score(["I50.9", "I50.1", "I11.0", "I42.7"]);

        Assert.Equal(1, result.Index);
        Assert.Equal(2, result.IndexQuan2011);
    }

    [Theory]
    [InlineData("E11.22, E11.9", "diabetes_with_complications", 2, 1)]
    [InlineData("E11.9", "diabetes_without_complications", 1, 0)]
    [InlineData("E10.21, E11.9", "diabetes_with_complications", 2, 1)]
    [InlineData("K70.30, K70.40", "moderate_or_severe_liver_disease", 3, 4)]
    [InlineData("B18.2", "mild_liver_disease", 1, 2)]
    [InlineData("C34.1, C78.0", "metastatic_solid_tumour", 6, 6)]
    [InlineData("C34.1", "any_malignancy", 2, 2)]
    [InlineData("C80.1", "metastatic_solid_tumour", 6, 6)]
    public void Hierarchy_keeps_only_the_more_severe_form(string codeList, string conditions, int index1987, int indexQuan2011)
    {
        var result = Charlson.Score(Codes(codeList));

        Assert.Equal(conditions, Conditions(result));
        Assert.Equal(index1987, result.Index);
        Assert.Equal(indexQuan2011, result.IndexQuan2011);
    }

    [Fact]
    public void The_hierarchy_drops_nothing_across_different_conditions()
    {
        // A metastatic solid tumour suppresses neither mild liver disease nor uncomplicated diabetes.
        var result = Charlson.Score(["K70.30", "C78.0", "E10.9"]);

        Assert.Equal("mild_liver_disease,diabetes_without_complications,metastatic_solid_tumour", Conditions(result));
        Assert.Equal(1 + 1 + 6, result.Index);
    }

    [Fact]
    public void With_every_group_present_the_1987_index_is_the_hierarchy_maximum_of_29()
    {
        var oneCodePerGroup = CharlsonConditions.Groups.Select(g => g.Prefixes[0]);

        var result = Charlson.Score(oneCodePerGroup);

        Assert.Equal(29, result.Index);
        Assert.Equal(14, result.Conditions.Count);
    }

    [Theory]
    [InlineData("I42.5", CharlsonCondition.CongestiveHeartFailure)]
    [InlineData("I42.9", CharlsonCondition.CongestiveHeartFailure)]
    [InlineData("F00", CharlsonCondition.Dementia)]
    [InlineData("F03.90", CharlsonCondition.Dementia)]
    [InlineData("I60.9", CharlsonCondition.CerebrovascularDisease)]
    [InlineData("I69.351", CharlsonCondition.CerebrovascularDisease)]
    [InlineData("C00.0", CharlsonCondition.AnyMalignancy)]
    [InlineData("C26.9", CharlsonCondition.AnyMalignancy)]
    [InlineData("C97", CharlsonCondition.AnyMalignancy)]
    [InlineData("C77.0", CharlsonCondition.MetastaticSolidTumour)]
    [InlineData("B24", CharlsonCondition.AidsHiv)]
    [InlineData("Z49.01", CharlsonCondition.RenalDisease)]
    [InlineData("Z49.2", CharlsonCondition.RenalDisease)]
    [InlineData("K76.7", CharlsonCondition.ModerateOrSevereLiverDisease)]
    [InlineData("K76.2", CharlsonCondition.MildLiverDisease)]
    [InlineData("E13.9", CharlsonCondition.DiabetesWithoutComplications)]
    [InlineData("E13.65", CharlsonCondition.DiabetesWithoutComplications)]
    [InlineData("S72.001A", null)]
    public void Ranges_include_both_ends_and_icd10cm_extensions_prefix_match(string code, CharlsonCondition? expected)
    {
        var conditions = Charlson.ConditionsOf(code);

        if (expected is { } condition) Assert.Equal(new[] { condition }, conditions);
        else Assert.Empty(conditions);
    }

    [Theory]
    [InlineData("I41")]
    [InlineData("C27")]
    [InlineData("C29")]
    [InlineData("C35")]
    [InlineData("C42")]
    [InlineData("C44")]
    [InlineData("C59")]
    [InlineData("C86")]
    [InlineData("C98")]
    [InlineData("B23")]
    [InlineData("K76.1")]
    [InlineData("Z49.3")]
    public void Codes_just_outside_a_range_do_not_match(string code) => Assert.Empty(Charlson.ConditionsOf(code));

    [Fact]
    public void The_table_has_one_row_per_condition_in_enum_order_with_both_weights_as_published()
    {
        Assert.Equal(Enum.GetValues<CharlsonCondition>(), CharlsonConditions.Groups.Select(g => g.Condition));
        Assert.Equal("1,1,1,1,1,1,1,1,1,1,2,2,2,2,3,6,6", string.Join(",", CharlsonConditions.Groups.Select(g => g.Weight1987)));
        Assert.Equal("0,2,0,0,2,1,1,0,2,0,1,2,1,2,4,6,2", string.Join(",", CharlsonConditions.Groups.Select(g => g.WeightQuan2011)));
    }

    [Fact]
    public void Every_prefix_is_undotted_upper_case_and_3_or_4_characters()
    {
        foreach (var prefix in CharlsonConditions.Groups.SelectMany(g => g.Prefixes))
        {
            Assert.Matches("^[A-Z][0-9]{2}[0-9]?$", prefix);
        }
    }

    [Fact]
    public void Range_rows_expand_to_every_code_between_their_ends()
    {
        var malignancy = CharlsonConditions.Of(CharlsonCondition.AnyMalignancy).Prefixes;

        // C00–C26 (27), C30–C34 (5), C37–C41 (5), C43, C45–C58 (14), C60–C76 (17), C81–C85 (5), C88, C90–C97 (8)
        Assert.Equal(27 + 5 + 5 + 1 + 14 + 17 + 5 + 1 + 8, malignancy.Count);
        Assert.Equal(new[] { "I120", "I131", "N032", "N033", "N034", "N035", "N036", "N037", "N052", "N053", "N054", "N055", "N056", "N057",
            "N18", "N19", "N250", "Z490", "Z491", "Z492", "Z940", "Z992" }, CharlsonConditions.Of(CharlsonCondition.RenalDisease).Prefixes);
    }
}
