using System.Text;
using System.Text.RegularExpressions;
using CareLake.Core.Hl7;

namespace CareLake.Core.Tests.Hl7;

public partial class Hl7SampleFileTests
{
    public static TheoryData<string> Files() => [.. Hl7SampleFiles.Names];

    /// <summary>Files whose name does not say their MSH-9, read by hand.</summary>
    private static readonly Dictionary<string, string> TypeOf = new()
    {
        ["ADT01-23.hl7"] = "ADT^A01",
        ["ADT04-23.hl7"] = "ADT^A04",
        ["ADT04-251.hl7"] = "ADT^A04",
        ["IZ_1_1.1_Admin_Child_Max_Message.hl7"] = "VXU^V04",
        ["LAB-ORM-1.hl7"] = "ORM^O01",
        ["LAB-ORU-1.hl7"] = "ORU^R01",
        ["LRI_2.0-NG_CBC_Typ_Message.hl7"] = "ORU^R01",
        ["MDHHS-OML-O21-1.hl7"] = "OML^O21",
        ["MDM_01.hl7"] = "ADT^A01",
        ["PC1-Problem-Add-v2.3.1.hl7"] = "PPR^PC1",
        ["PC1-Problem-Delete-v2.3.1.hl7"] = "PPR^PC3",
        ["PC1-Problem-Update-v2.3.1.hl7"] = "PPR^PC2",
        ["SIU-S12_1.hl7"] = "SIU^S12",
        ["SIU_12.hl7"] = "ADT^A60",
        ["VXU.hl7"] = "VXU^V04",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shared_sample_parses_with_one_segment_per_line_and_the_type_its_name_says(string name)
    {
        var bytes = Hl7SampleFiles.Bytes(name);

        var result = Hl7Message.Parse(bytes);

        Assert.True(result.IsSuccess, $"{name}: {result.Error}");
        var message = result.Message!;
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split('\n', '\r').Count(l => l.Trim().Length > 0);
        Assert.Equal(lines, message.AllSegments.Count);
        var named = NamedType().Match(name);
        var expected = named.Success ? $"{named.Groups[1].Value}^{named.Groups[2].Value}" : TypeOf[name];
        Assert.Equal(expected, message.Header.MessageType);
        Assert.NotNull(message.Header.ControlId);
        Assert.Matches(@"^2\.[2-8](\.\d)?$", message.Header.Version);
    }

    [Fact]
    public void The_samples_cover_versions_2_3_to_2_8()
    {
        var versions = Hl7SampleFiles.Names.Select(n => Hl7Message.Parse(Hl7SampleFiles.Bytes(n)).Message!.Header.Version).ToHashSet();

        Assert.Superset(new HashSet<string?> { "2.3", "2.3.1", "2.5", "2.5.1", "2.6", "2.8" }, versions);
    }

    [GeneratedRegex(@"^([A-Z]{3})-([A-Z]\d\d)-\d\d\.hl7$")]
    private static partial Regex NamedType();
}
