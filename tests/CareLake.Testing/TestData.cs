namespace CareLake.Testing;

/// <summary>
/// Real files written by others (HL7 v2, FHIR, Synthea CSV) in <c>tests/testdata</c>, each folder with
/// a SOURCE.txt giving its origin and licence.
/// </summary>
public static class TestData
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "testdata", relative);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException($"tests/testdata/{relative} was not found above {AppContext.BaseDirectory}");
    }
}
