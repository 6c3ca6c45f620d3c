using Tracker.Api;

namespace Tracker.Spreadsheets;

/// <summary>
/// How one column of a file was read: its letter and header as the spreadsheet shows them, the tracker column it fills
/// (null: ignored) and why — <c>name</c> (the tracker's own column name), <c>synonym</c> (a usual PMO header),
/// <c>map</c> (the request's <c>map</c> parameter said so) or <c>ignored</c> (none of these: its cells are not read).
/// </summary>
public sealed record ImportColumn(string Letter, string Header, string? Column, string How);

/// <summary>A file's rows by tracker column, and the mapping that read them.</summary>
public sealed record SheetRows(IReadOnlyList<CsvRow> Rows, IReadOnlyList<ImportColumn> Columns);

/// <summary>
/// Matches a file's header to the tracker's columns: explicitly mapped headers first (<c>map=Header:column</c>; an empty
/// column ignores the header), then the tracker's column names and the synonyms PMOs use (<see cref="CsvFiles.HeaderKey"/>
/// ignores case, spaces, punctuation and a currency in brackets). Any other column is ignored and listed, so a PMO's
/// extra columns (Sponsor, Region, Comments for the steering committee) need no deleting; a column without a header is
/// listed only when it holds something. Empty rows are left out (their numbers stay).
/// </summary>
public static class SheetMapping
{
    /// <summary>The headers PMOs give the measured columns, which projects and updates sheets share.</summary>
    public static readonly IReadOnlyDictionary<string, string> MeasuredSynonyms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["% complete"] = "percentComplete",
        ["progress"] = "percentComplete",
        ["percent complete"] = "percentComplete",
        ["actuals"] = "spend",
        ["cost to date"] = "spend",
        ["spent"] = "spend",
        ["spend to date"] = "spend",
        ["state"] = "status",
        ["rag status"] = "rag",
        ["health"] = "rag",
    };

    /// <summary>One synonym table from several (none may name a header twice).</summary>
    public static IReadOnlyDictionary<string, string> Merge(params IReadOnlyDictionary<string, string>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static SheetRows Apply(IReadOnlyList<string> header, IEnumerable<SheetRow> sheetRows, IReadOnlyList<string> columns,
        IReadOnlyList<string> required, IReadOnlyDictionary<string, string> synonyms, IReadOnlyList<string> map)
    {
        if (header.Count == 0 || header.All(h => h.Trim().Length == 0))
        {
            throw Problems.Validation("header", "The file is empty; its first row must name the columns: " + string.Join(", ", columns) + ".");
        }
        var asked = Asked(map, header, columns);
        var byKey = columns.ToDictionary(CsvFiles.HeaderKey, c => (Column: c, How: "name"), StringComparer.Ordinal);
        foreach (var (synonym, column) in synonyms)
        {
            byKey.TryAdd(CsvFiles.HeaderKey(synonym), (column, "synonym"));
        }
        var mapping = new List<ImportColumn>();
        var v = new Validation();
        for (var i = 0; i < header.Count; i++)
        {
            var raw = header[i].Trim();
            var key = CsvFiles.HeaderKey(raw);
            var (column, how) = raw.Length == 0 ? (null, "ignored")
                : asked.TryGetValue(key, out var mapped) ? (mapped, mapped is null ? "ignored" : "map")
                : byKey.TryGetValue(key, out var known) ? known
                : (null, "ignored");
            if (column is not null && mapping.FirstOrDefault(m => m.Column == column) is { } earlier)
            {
                v.Add("header", $"Columns {earlier.Letter} ('{earlier.Header}') and {Letter(i)} ('{raw}') both mean '{column}'; map one of them elsewhere (map={raw}:) or remove it.");
            }
            mapping.Add(new ImportColumn(Letter(i), raw, column, how));
        }
        foreach (var column in required.Where(c => mapping.All(m => m.Column != c)))
        {
            v.Add("header", $"The column '{column}' is required; name it so, or map your header to it (map=Your header:{column}).");
        }
        if (mapping.All(m => m.Column is null))
        {
            v.Add("header", $"No column of the file is a tracker column; the columns are: {string.Join(", ", columns)} (or map yours: map=Your header:column).");
        }
        v.ThrowIfInvalid();

        var rows = new List<CsvRow>();
        var filled = new HashSet<int>(); // columns without a header that hold something: listed as ignored
        foreach (var sheetRow in sheetRows)
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            var typed = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < sheetRow.Cells.Count; i++)
            {
                var cell = CsvFiles.Unneutralise(sheetRow.Cells[i].Trim());
                if (i < mapping.Count && mapping[i].Column is { } column)
                {
                    cells[column] = cell;
                    if (sheetRow.Typed?.Contains(i) == true)
                    {
                        typed.Add(column);
                    }
                }
                else if (cell.Length > 0 && (i >= mapping.Count || mapping[i].Header.Length == 0))
                {
                    filled.Add(i);
                }
            }
            foreach (var column in mapping.Where(m => m.Column is not null && !cells.ContainsKey(m.Column)))
            {
                cells[column.Column!] = ""; // a short row: its missing cells are empty
            }
            if (cells.Values.All(c => c.Length == 0))
            {
                continue; // a blank row, as spreadsheets leave at the end
            }
            if (rows.Count == CsvFiles.MaxRows)
            {
                throw new ApiProblemException(413, "Too many rows", $"A file may hold at most {CsvFiles.MaxRows:N0} rows; split it.");
            }
            rows.Add(new CsvRow(sheetRow.Number, cells) { Typed = typed });
        }
        var listed = mapping.Where((m, i) => m.Header.Length > 0 || filled.Contains(i))
            .Concat(filled.Where(i => i >= mapping.Count).Order().Select(i => new ImportColumn(Letter(i), "", null, "ignored")));
        return new SheetRows(rows, [.. listed]);
    }

    /// <summary>The request's <c>map</c> entries (<c>Header:column</c>, split at the last colon) by header key; a header that isn't in the file or a column that isn't the tracker's is a 400.</summary>
    private static Dictionary<string, string?> Asked(IReadOnlyList<string> map, IReadOnlyList<string> header, IReadOnlyList<string> columns)
    {
        var asked = new Dictionary<string, string?>(StringComparer.Ordinal);
        var v = new Validation();
        var keys = header.Select(CsvFiles.HeaderKey).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in map.Where(e => e.Trim().Length > 0))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0)
            {
                v.Add("map", $"map '{entry}' must be 'Your header:column' (or 'Your header:' to ignore it).");
                continue;
            }
            var (from, to) = (entry[..colon].Trim(), entry[(colon + 1)..].Trim());
            var column = columns.FirstOrDefault(c => string.Equals(c, to, StringComparison.OrdinalIgnoreCase));
            if (to.Length > 0 && column is null)
            {
                v.Add("map", $"map '{entry}': '{to}' is not a tracker column; the columns are: {string.Join(", ", columns)}.");
            }
            else if (!keys.Contains(CsvFiles.HeaderKey(from)))
            {
                v.Add("map", $"map '{entry}': the file has no column '{from}'; its headers are: {string.Join(", ", header.Where(h => h.Trim().Length > 0))}.");
            }
            else
            {
                asked[CsvFiles.HeaderKey(from)] = column;
            }
        }
        v.ThrowIfInvalid();
        return asked;
    }

    /// <summary>0 → A, 27 → AB: the column's letter as the spreadsheet shows it.</summary>
    public static string Letter(int index) => index < 26 ? ((char)('A' + index)).ToString() : Letter(index / 26 - 1) + (char)('A' + index % 26);
}
