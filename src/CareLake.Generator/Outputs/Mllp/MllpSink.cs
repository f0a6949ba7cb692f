using CareLake.Generator.Model;
using CareLake.Generator.Outputs.Hl7;

namespace CareLake.Generator.Outputs.Mllp;

/// <summary>A negative acknowledgment: which message, the code (AE, AR, CE, CR) and the receiver's reason.</summary>
public sealed record MllpRejection(string ControlId, string MessageType, string Code, string? Text);

/// <summary>What an MLLP delivery achieved.</summary>
public sealed class MllpDeliveryReport
{
    private readonly List<MllpRejection> _rejections = [];

    public long Sent { get; internal set; }
    public long Accepted { get; internal set; }
    public long Rejected { get; internal set; }

    /// <summary>The first 100 negative acknowledgments.</summary>
    public IReadOnlyList<MllpRejection> Rejections => _rejections;

    internal void Reject(MllpRejection rejection)
    {
        Rejected++;
        if (_rejections.Count < 100) _rejections.Add(rejection);
    }
}

/// <summary>
/// Sends the HL7 rendering of the events over MLLP, one message at a time, waiting for each ACK. A negative
/// acknowledgment (AE, AR, CE, CR) is recorded in <see cref="Report"/> and sending continues; a missing ACK
/// (timeout) or a broken connection stops the run with <see cref="MllpException"/>, since delivery is then unknown.
/// </summary>
public sealed class MllpSink(MllpClient client, string facility, string controlIdPrefix) : IClinicalEventSink
{
    private readonly Hl7MessageStream _stream = new(new Hl7MessageBuilder(facility, controlIdPrefix));

    public string Description => "mllp:" + client.Endpoint;

    public MllpDeliveryReport Report { get; } = new();

    public void Write(HospitalEvent e)
    {
        foreach (var message in _stream.Push(e)) Send(message);
    }

    public void Complete(HospitalSimulator simulator)
    {
        foreach (var message in _stream.Complete()) Send(message);
    }

    public void Dispose() => client.Dispose();

    private void Send(Hl7Message message)
    {
        var ack = client.Send(message.Text, message.ControlId);
        Report.Sent++;
        if (ack.IsAccepted && (ack.ControlId is null || ack.ControlId == message.ControlId))
        {
            Report.Accepted++;
        }
        else if (ack.IsAccepted)
        {
            Report.Reject(new MllpRejection(message.ControlId, message.MessageType, ack.Code, $"ACK for another message ({ack.ControlId})"));
        }
        else
        {
            Report.Reject(new MllpRejection(message.ControlId, message.MessageType, ack.Code, ack.Text));
        }
    }
}
