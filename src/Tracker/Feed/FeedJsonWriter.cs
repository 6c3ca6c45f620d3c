// ODL 8 represents Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9, which uses DateOnly).
#pragma warning disable CS0618
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.OData.Edm;

namespace Tracker.Feed;

/// <summary>
/// Writes a page of an entity set as OData JSON with minimal metadata: the same bytes ODataJsonWriter writes for the
/// feed's flat rows (same escaping, number and date formats, context URL, count and next link), at a fraction of its
/// cost per row, because a row is written straight from its values instead of through ODataResource and ODataProperty
/// objects (docs/performance.md, the feed). <c>FeedJsonWriterTests</c> holds the two writers to the same bytes.
/// </summary>
public sealed class FeedJsonWriter : IAsyncDisposable
{
    /// <summary>What ODataMessageWriter declares for a JSON response without an Accept header of the client's.</summary>
    public const string ContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    // ODataJsonWriter escapes what this encoder escapes: quotes, backslashes, control and format characters,
    // unassigned code points and surrogate pairs, and leaves other non-ASCII text (é, 中) as UTF-8.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly JsonEncodedText Context = JsonEncodedText.Encode("@odata.context", Options.Encoder);
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("@odata.count", Options.Encoder);
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value", Options.Encoder);
    private static readonly JsonEncodedText NextLink = JsonEncodedText.Encode("@odata.nextLink", Options.Encoder);

    private readonly Utf8JsonWriter _json;
    private readonly int[] _columns;
    private readonly JsonEncodedText[] _names;

    /// <param name="body">where the JSON goes; nothing reaches it before <see cref="FlushAsync"/>.</param>
    /// <param name="columns">the indexes of the set's properties to write, in order (all of them, or those of $select).</param>
    public FeedJsonWriter(Stream body, FeedSet set, IReadOnlyList<int> columns)
    {
        _json = new Utf8JsonWriter(body, Options);
        _columns = [.. columns];
        _names = [.. _columns.Select(c => JsonEncodedText.Encode(set.Properties[c].Name, Options.Encoder))];
    }

    /// <summary>Bytes written but not yet flushed to the body.</summary>
    public int Pending => _json.BytesPending;

    /// <summary>
    /// The context URL, as ODL builds it: the service root's <c>$metadata#</c> and the set, followed by the
    /// properties of $select in the order given (the URI parser has already dropped repeats).
    /// </summary>
    public static string ContextUrl(Uri root, FeedQuery query)
    {
        var url = root.AbsoluteUri + "$metadata#" + query.Set.Name;
        if (query.Select is { AllSelected: false } select)
        {
            url += "(" + string.Join(",", select.SelectedItems.OfType<Microsoft.OData.UriParser.PathSelectItem>()
                .Select(i => i.SelectedPath.LastSegment.Identifier)) + ")";
        }
        return url;
    }

    public void WriteStart(string contextUrl, long? count)
    {
        _json.WriteStartObject();
        _json.WriteString(Context, contextUrl);
        if (count is { } n)
        {
            _json.WriteNumber(Count, n);
        }
        _json.WritePropertyName(Value);
        _json.WriteStartArray();
    }

    public void WriteRow(object?[] row)
    {
        _json.WriteStartObject();
        for (var i = 0; i < _columns.Length; i++)
        {
            _json.WritePropertyName(_names[i]);
            WriteValue(row[_columns[i]]);
        }
        _json.WriteEndObject();
    }

    public void WriteEnd(Uri? nextLink)
    {
        _json.WriteEndArray();
        if (nextLink is not null)
        {
            _json.WriteString(NextLink, nextLink.AbsoluteUri);
        }
        _json.WriteEndObject();
    }

    public Task FlushAsync(CancellationToken ct) => _json.FlushAsync(ct);

    public ValueTask DisposeAsync() => _json.DisposeAsync();

    /// <summary>One value, typed as the feed's model reads it (<see cref="FeedModel"/>), in ODL's JSON format.</summary>
    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                _json.WriteNullValue();
                break;
            case string s:
                _json.WriteStringValue(s);
                break;
            case double d:
                WriteDouble(d);
                break;
            case decimal m:
                WriteFormatted(m);
                break;
            case DateTimeOffset instant:
                WriteInstant(instant);
                break;
            case Date day:
                WriteDay(day);
                break;
            case int whole:
                _json.WriteNumberValue(whole);
                break;
            case bool flag:
                _json.WriteBooleanValue(flag);
                break;
            default:
                throw new InvalidOperationException($"The feed has no JSON format for {value.GetType().Name} values.");
        }
    }

    /// <summary>
    /// Edm.Double as ODL writes it: the shortest round-trip form, with ".0" added to integral values (1.0, -0.0,
    /// 1E+20 as is), and INF, -INF and NaN as strings (IEEE754Compatible=false).
    /// </summary>
    private void WriteDouble(double d)
    {
        if (!double.IsFinite(d))
        {
            _json.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF");
            return;
        }
        Span<byte> text = stackalloc byte[40];
        d.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        if (text[..length].IndexOfAny((byte)'.', (byte)'E') < 0)
        {
            ".0"u8.CopyTo(text[length..]);
            length += 2;
        }
        _json.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>Edm.Decimal: as decimal formats itself, keeping its scale (100.000), never an exponent.</summary>
    private void WriteFormatted(decimal m)
    {
        Span<byte> text = stackalloc byte[40];
        m.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        _json.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>Edm.DateTimeOffset: ISO 8601 with trailing zeros of the fraction dropped, and Z for UTC (storage's instants).</summary>
    private void WriteInstant(DateTimeOffset instant)
    {
        if (instant.Offset == TimeSpan.Zero)
        {
            _json.WriteStringValue(instant.UtcDateTime);
        }
        else
        {
            _json.WriteStringValue(instant);
        }
    }

    /// <summary>Edm.Date: yyyy-MM-dd.</summary>
    private void WriteDay(Date day)
    {
        Span<byte> text = stackalloc byte[10];
        ((uint)day.Year).TryFormat(text[..4], out _, "D4", CultureInfo.InvariantCulture);
        text[4] = (byte)'-';
        ((uint)day.Month).TryFormat(text[5..7], out _, "D2", CultureInfo.InvariantCulture);
        text[7] = (byte)'-';
        ((uint)day.Day).TryFormat(text[8..], out _, "D2", CultureInfo.InvariantCulture);
        _json.WriteStringValue(text);
    }
}
