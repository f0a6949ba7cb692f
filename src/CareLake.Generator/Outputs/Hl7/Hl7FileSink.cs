using System.Text;
using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs.Hl7;

/// <summary>
/// Writes HL7 v2.5.1 messages to two files: <c>adt.hl7</c> (ADT, including A08 diagnoses and procedures) and <c>oru.hl7</c>
/// (lab and vital-sign results). Messages follow each other directly; every segment ends in a carriage return and
/// every message starts with MSH.
/// </summary>
public sealed class Hl7FileSink : IClinicalEventSink
{
    public const string AdtFile = "adt.hl7";
    public const string OruFile = "oru.hl7";

    private readonly Hl7MessageStream _stream;
    private readonly StreamWriter _adt;
    private readonly StreamWriter _oru;
    private readonly string _directory;

    public Hl7FileSink(string directory, string facility, string controlIdPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        Directory.CreateDirectory(directory);
        _stream = new Hl7MessageStream(new Hl7MessageBuilder(facility, controlIdPrefix));
        var utf8 = new UTF8Encoding(false);
        _adt = new StreamWriter(Path.Combine(directory, AdtFile), false, utf8, 1 << 20);
        _oru = new StreamWriter(Path.Combine(directory, OruFile), false, utf8, 1 << 20);
    }

    public string Description => "hl7:" + _directory;

    public long Messages { get; private set; }

    public void Write(HospitalEvent e)
    {
        foreach (var message in _stream.Push(e)) Write(message);
    }

    public void Complete(HospitalSimulator simulator)
    {
        foreach (var message in _stream.Complete()) Write(message);
        _adt.Flush();
        _oru.Flush();
    }

    public void Dispose()
    {
        _adt.Dispose();
        _oru.Dispose();
    }

    private void Write(Hl7Message message)
    {
        (message.MessageType.StartsWith("ADT", StringComparison.Ordinal) ? _adt : _oru).Write(message.Text);
        Messages++;
    }
}
