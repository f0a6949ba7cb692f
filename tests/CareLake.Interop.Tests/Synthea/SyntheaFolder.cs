using System.Text;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Interop.Synthea;

namespace CareLake.Interop.Tests.Synthea;

/// <summary>A temporary folder of crafted Synthea files, deleted on dispose; and mapping helpers shared by the Synthea tests.</summary>
internal sealed class SyntheaFolder : IDisposable
{
    public static readonly DateTimeOffset ReceivedAt = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SyntheaFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "carelake-synthea-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes the lines joined by <paramref name="newline"/>, with a final line break; returns the file's path.</summary>
    public string Write(string fileName, IEnumerable<string> lines, string newline = "\n", bool bom = false) =>
        WriteBytes(fileName, Encoding.UTF8.GetBytes(string.Join(newline, lines) + newline), bom);

    public string WriteBytes(string fileName, byte[] content, bool bom = false)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(path, bom ? [0xEF, 0xBB, 0xBF, .. content] : content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    public static ParseResult<MappedMessage> Map(FileRecord record, SyntheaMapper? mapper = null) =>
        (mapper ?? new SyntheaMapper()).Map(new MessageContext(record.Stream, record.Payload, record.HeaderKeys, record.HeaderValues, ReceivedAt));

    /// <summary>Maps a file that holds a single record and returns the outcome.</summary>
    public static ParseResult<MappedMessage> MapOnly(string path) => Map(Assert.Single(SyntheaCsvReader.Read(path)));

    /// <summary>The one record a successful mapping produced.</summary>
    public static T MapOne<T>(string path) where T : ClinicalRecord
    {
        var result = MapOnly(path);
        Assert.True(result.IsSuccess, result.Rejection?.Message);
        return Assert.IsType<T>(Assert.Single(result.Value!.Records));
    }

    public static Rejection Rejected(string path)
    {
        var result = MapOnly(path);
        Assert.False(result.IsSuccess, "expected a rejection");
        return result.Rejection!;
    }
}
