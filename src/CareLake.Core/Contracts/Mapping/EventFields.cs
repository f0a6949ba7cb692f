using System.Globalization;
using System.Text.Json;
using CareLake.Core.Parsing;

namespace CareLake.Core.Contracts.Mapping;

/// <summary>
/// Typed reads of one contract event object or of an object nested in it (<c>patient</c>, <c>encounter</c>,
/// <c>patient.address</c>, …). The first problem anywhere in the event is kept on the root, with the field's full
/// path (e.g. <c>patient.birth_date</c>); later reads return null, so a mapper reads every field and checks once.
/// Timestamps far beyond the receive time are rejected as clock errors as they are read.
/// </summary>
internal sealed class EventFields
{
    private const int TextLimit = 256;

    private readonly JsonElement _obj;
    private readonly JsonFields _fields;
    private readonly EventFields? _root;
    private readonly string _path;
    private readonly DateTimeOffset _receivedAt;
    private readonly TimeSpan _futureTolerance;

    /// <param name="fields">The reader the envelope was read with: its first problem is the event's.</param>
    public EventFields(JsonElement obj, JsonFields fields, DateTimeOffset receivedAt, TimeSpan futureTolerance)
        : this(obj, fields, root: null, path: "", receivedAt, futureTolerance)
    {
    }

    private EventFields(JsonElement obj, JsonFields fields, EventFields? root, string path, DateTimeOffset receivedAt, TimeSpan futureTolerance)
    {
        _obj = obj;
        _fields = fields;
        _root = root;
        _path = path;
        _receivedAt = receivedAt;
        _futureTolerance = futureTolerance;
    }

    private EventFields Root => _root ?? this;

    public Rejection? Rejection => Root._fields.Rejection;

    public bool Failed => Rejection is not null;

    /// <summary>Records a problem with a field of this object (named without its path) unless one was found already.</summary>
    public void Fail(RejectionReason reason, string message, string name)
    {
        var path = _path + name;
        Root._fields.Fail(reason, _path.Length == 0 ? message : message.Replace($"'{name}'", $"'{path}'", StringComparison.Ordinal), path);
    }

    /// <summary>Text of at most <paramref name="maxLength"/> characters; an empty optional value reads as absent.</summary>
    public string? Text(string name, bool required = false, int maxLength = TextLimit)
    {
        if (Failed) return null;
        var text = Relay(_fields.String(name, required, minLength: required ? 1 : 0, maxLength));
        return string.IsNullOrWhiteSpace(text) && !required ? null : text;
    }

    public string? OneOf(string name, IReadOnlyCollection<string> allowed, bool required = false) =>
        Failed ? null : Relay(_fields.OneOf(name, required, allowed));

    public long? Integer(string name, bool required = false) =>
        Failed ? null : Relay(_fields.Integer(name, required));

    public decimal? Number(string name, bool required = false) =>
        Failed ? null : Relay(_fields.Number(name, required));

    /// <summary>An RFC 3339 timestamp no later than the receive time plus the tolerated clock skew.</summary>
    public DateTimeOffset? Timestamp(string name, bool required = false)
    {
        if (Failed) return null;
        var timestamp = Relay(_fields.Timestamp(name, required));
        if (timestamp is { } t) CheckNotInFuture(name, t);
        return Failed ? null : timestamp;
    }

    /// <summary>A calendar date written YYYY-MM-DD.</summary>
    public DateOnly? Date(string name, bool required = false)
    {
        var text = Text(name, required, maxLength: 64);
        if (text is null) return null;
        if (text.Length != 10 || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(RejectionReason.InvalidValue, $"'{name}' must be a date written YYYY-MM-DD; got '{JsonFields.Truncate(text)}'", name);
            return null;
        }

        return date;
    }

    /// <summary>The value of a field that may hold more than one JSON type; null when absent or JSON null.</summary>
    public JsonElement? Raw(string name, bool required = false)
    {
        if (Failed) return null;
        if (_obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) return value;
        if (required) Fail(RejectionReason.MissingField, $"required field '{name}' is missing", name);
        return null;
    }

    /// <summary>A nested object, read with its path as prefix; null when absent (or, once anything failed, always).</summary>
    public EventFields? Object(string name, bool required = false)
    {
        if (Raw(name, required) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(RejectionReason.WrongType, $"'{name}' must be an object, not {JsonFields.Describe(value.ValueKind)}", name);
            return null;
        }

        var nested = new JsonFields(value) { EventId = Root._fields.EventId };
        return new EventFields(value, nested, Root, _path + name + ".", _receivedAt, _futureTolerance);
    }

    /// <summary>Rejects <paramref name="timestamp"/> (read from <paramref name="name"/>) when it lies too far past the receive time.</summary>
    public void CheckNotInFuture(string name, DateTimeOffset timestamp)
    {
        if (timestamp > _receivedAt + _futureTolerance)
        {
            Fail(RejectionReason.TimestampInFuture,
                $"'{name}' lies more than {_futureTolerance.TotalHours:0} h after the event was received ({_receivedAt:O})", name);
        }
    }

    /// <summary>Moves a nested reader's problem to the root, naming the field by its full path.</summary>
    private T? Relay<T>(T? value)
    {
        if (_root is not null && _fields.Rejection is { } problem && !Failed)
        {
            Fail(problem.Reason, problem.Message, problem.Field ?? "");
        }

        return Failed ? default : value;
    }
}
