using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tracker.Api;

namespace Tracker.Spreadsheets;

/// <summary>One data row of a file: its number as a spreadsheet shows it (the header is row 1, blank rows count) and its cells by column.</summary>
public sealed record CsvRow(int Number, IReadOnlyDictionary<string, string> Cells)
{
    /// <summary>The columns whose cells came typed (an .xlsx number, date or boolean, written here invariantly): no culture applies to them.</summary>
    public IReadOnlySet<string> Typed { get; init; } = new HashSet<string>();

    /// <summary>The cell of a column, or null when the column is absent or the cell empty.</summary>
    public string? this[string column] => Cells.TryGetValue(column, out var value) && value.Length > 0 ? value : null;
}

/// <summary>A row of a sheet as read: its number (the header is row 1), its cells in column order, and which of them came typed.</summary>
public sealed record SheetRow(int Number, IReadOnlyList<string> Cells, IReadOnlySet<int>? Typed = null);

/// <summary>
/// CSV as spreadsheets write it: comma- or semicolon-separated (Excel's default in much of Europe), with or without a
/// UTF-8 BOM, RFC 4180 quoting (quoted newlines included); headers matched case-insensitively. Written as Excel
/// reads it: UTF-8 with BOM, comma-separated, RFC 4180 quoting, ISO dates, invariant decimals, and text that a
/// spreadsheet would run as a formula neutralised (OWASP CSV injection).
/// </summary>
public static class CsvFiles
{
    public const string MediaType = "text/csv";
    public const long MaxBytes = 4 * 1024 * 1024;
    public const int MaxRows = 5000;

    /// <summary>The header and the rows of a CSV file, numbered as a spreadsheet numbers them (the header is row 1).</summary>
    public static (IReadOnlyList<string> Header, List<SheetRow> Rows) Read(byte[] body)
    {
        var text = Decode(body);
        using var reader = CsvReader.FromText(text, new CsvReaderOptions
        {
            Separator = Delimiter(text),
            HasHeader = true,
            DetectSeparatorHint = false,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = false, // a blank row is a row: the numbers in the report are the spreadsheet's
        });
        string[] header;
        try
        {
            header = [.. reader.Headers];
        }
        catch (CsvFormatException e)
        {
            throw Problems.BadRequest("The file is not valid CSV: " + e.Message);
        }
        var rows = new List<SheetRow>();
        var number = 1; // the header's
        while (Next(reader))
        {
            number++;
            rows.Add(new SheetRow(number, [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]));
            if (rows.Count > MaxRows * 2)
            {
                throw new ApiProblemException(413, "Too many rows", $"A file may hold at most {MaxRows:N0} rows; split it.");
            }
        }
        return (header, rows);
    }

    /// <summary>Writes a header and rows as an Excel-friendly CSV response body.</summary>
    public static ApiResponse Write(string fileName, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string?>> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { WriteByteOrderMark = true, NewLine = "\r\n" }, true))
        {
            csv.WriteRecord([.. columns]);
            foreach (var row in rows)
            {
                csv.WriteRecord([.. row.Select(cell => Neutralise(cell ?? ""))]);
            }
        }
        return new ApiResponse(200, buffer.ToArray(), MediaType + "; charset=utf-8")
        {
            Headers = [new("Content-Disposition", $"attachment; filename=\"{fileName}\"")],
        };
    }

    /// <summary>A header as it is matched: lower case, letters and digits only, without a trailing currency such as "(EUR)".</summary>
    public static string HeaderKey(string header)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(header.Trim(), @"\s*[\(\[]\s*(?:[A-Za-z]{3}|[€$£¥])\s*[\)\]]\s*$", "");
        return string.Concat(text.ToLowerInvariant().Replace("%", "percent", StringComparison.Ordinal).Where(char.IsLetterOrDigit));
    }

    /// <summary>A totals row: its label column says Total (Sum, Summe, Gesamt, ...) and it has no id.</summary>
    public static bool IsTotals(CsvRow row, string labelColumn) =>
        row["id"] is null && row[labelColumn] is { } label
        && label.Trim().TrimEnd(':').ToLowerInvariant() is "total" or "totals" or "grand total" or "sum" or "summe" or "gesamt" or "totaal" or "totale" or "total général";

    /// <summary>Whether the client asked for CSV (Accept: text/csv).</summary>
    public static bool Wanted(HttpRequest request) => AcceptHeader.Names(request, MediaType);

    public static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string? Number(double? value) => value is { } v ? Number(v) : null;

    public static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A UTC timestamp with every digit it has (to the tick), so an exported update is the stored one when imported again.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A text cell a spreadsheet would run as a formula gets a leading apostrophe (shown as text, not run).</summary>
    public static string Neutralise(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;

    /// <summary>Undoes <see cref="Neutralise"/> on import, so an exported file imports unchanged.</summary>
    public static string Unneutralise(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? cell[1..] : cell;

    private static bool Next(CsvReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (CsvFormatException e)
        {
            throw Problems.BadRequest("The file is not valid CSV: " + e.Message);
        }
    }

    private static string Decode(byte[] body)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw Problems.BadRequest("The file is not UTF-8 text. In Excel, save it as \"CSV UTF-8\".");
        }
    }

    /// <summary>Semicolon when the header line has more semicolons than commas (Excel in much of Europe), else comma.</summary>
    private static char Delimiter(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var header = end < 0 ? text : text[..end];
        return header.Count(c => c == ';') > header.Count(c => c == ',') ? ';' : ',';
    }
}
