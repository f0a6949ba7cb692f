namespace CareLake.Core.Tests.Hl7;

/// <summary>The shared HL7 v2 sample messages in <c>tests/testdata/hl7v2_samples</c>, one message per file.</summary>
internal static class Hl7SampleFiles
{
    public const string Folder = "hl7v2_samples";

    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "testdata", Folder);
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }

            throw new DirectoryNotFoundException($"tests/testdata/{Folder} was not found above {AppContext.BaseDirectory}");
        }
    }

    public static IReadOnlyList<string> Names => System.IO.Directory.GetFiles(Directory, "*.hl7").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));
}
