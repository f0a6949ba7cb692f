using System.Buffers;

namespace CareLake.Interop.Synthea;

/// <summary>
/// Cuts a CSV byte stream into records, streaming, without decoding it: a record ends at a line break outside
/// quotes (RFC 4180: a quote opens a quoted field only at the start of a field; <c>""</c> inside one is a quote), so a
/// quoted field may span lines. Each record is returned exactly as its bytes stand, without its line terminator
/// (<c>\n</c> or <c>\r\n</c>). A UTF-8 byte order mark at the start of the stream is skipped; blank lines are not records.
/// </summary>
internal sealed class CsvRecordScanner(Stream stream)
{
    /// <summary>
    /// Beyond this size a line break ends a record even inside quotes, so that a stray quote cannot swallow the rest
    /// of a large file; the pieces then fail to parse and are rejected one by one.
    /// </summary>
    internal const int MaxQuotedRecordBytes = 1024 * 1024;

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly ArrayBufferWriter<byte> _record = new(1024);
    private int _start;
    private int _end;
    private bool _atStart = true;

    /// <summary>The next non-blank record; null at the end of the stream.</summary>
    public byte[]? Next()
    {
        while (NextLine() is { } record)
        {
            if (record.Length > 0) return record;
        }

        return null;
    }

    private byte[]? NextLine()
    {
        _record.ResetWrittenCount();
        var state = State.FieldStart;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return _record.WrittenCount == 0 ? null : Finish();
            }

            var span = _buffer.AsSpan(_start, _end - _start);
            for (var i = 0; i < span.Length; i++)
            {
                var b = span[i];
                if (b == (byte)'\n' && (state != State.Quoted || _record.WrittenCount + i > MaxQuotedRecordBytes))
                {
                    _record.Write(span[..i]);
                    _start += i + 1;
                    return Finish();
                }

                state = Advance(state, b);
            }

            _record.Write(span);
            _start = _end;
        }
    }

    private static State Advance(State state, byte b) => state switch
    {
        State.FieldStart => b switch { (byte)'"' => State.Quoted, (byte)',' => State.FieldStart, _ => State.Unquoted },
        State.Unquoted => b == (byte)',' ? State.FieldStart : State.Unquoted,
        State.Quoted => b == (byte)'"' ? State.QuoteInQuoted : State.Quoted,
        _ => b switch { (byte)'"' => State.Quoted, (byte)',' => State.FieldStart, _ => State.Unquoted },
    };

    private byte[] Finish()
    {
        var written = _record.WrittenSpan;
        if (written.Length > 0 && written[^1] == (byte)'\r') written = written[..^1];
        return written.ToArray();
    }

    private bool Fill()
    {
        _start = 0;
        _end = 0;
        var read = stream.Read(_buffer, 0, _buffer.Length);
        if (read == 0) return false;
        _end = read;
        if (_atStart)
        {
            _atStart = false;
            while (_end < Utf8Bom.Length && stream.Read(_buffer, _end, _buffer.Length - _end) is var more && more > 0) _end += more;
            if (_buffer.AsSpan(0, _end).StartsWith(Utf8Bom)) _start = Utf8Bom.Length;
        }

        return _start < _end || Fill();
    }
}
