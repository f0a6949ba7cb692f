namespace CareLake.Interop;

/// <summary>
/// Reads a stream line by line as raw bytes (no decoding, so every byte stays as it is in the file), holding only the
/// current line in memory.
/// </summary>
internal sealed class ByteLineReader(Stream stream)
{
    private const int ChunkSize = 64 * 1024;

    private byte[] _buffer = new byte[ChunkSize];
    private int _start;
    private int _end;
    private bool _endOfStream;

    /// <summary>The next line including its terminator (<c>\n</c> or <c>\r\n</c>); false at the end of the stream.</summary>
    public bool TryReadLine(out byte[] line)
    {
        var searchFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', searchFrom, _end - searchFrom);
            if (newline >= 0)
            {
                line = _buffer[_start..(newline + 1)];
                _start = newline + 1;
                return true;
            }

            if (_endOfStream)
            {
                line = _buffer[_start.._end];
                _start = _end;
                return line.Length > 0;
            }

            searchFrom = _end - _start;
            Fill();
        }
    }

    /// <summary>Everything not yet read, in one array.</summary>
    public byte[] ReadToEnd()
    {
        using var rest = new MemoryStream();
        rest.Write(_buffer, _start, _end - _start);
        _start = _end;
        stream.CopyTo(rest);
        _endOfStream = true;
        return rest.ToArray();
    }

    /// <summary>Moves the unread bytes to the front (growing the buffer when a line outgrows it) and reads more.</summary>
    private void Fill()
    {
        var unread = _end - _start;
        if (unread == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
        }

        _start = 0;
        _end = unread;
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }
}
