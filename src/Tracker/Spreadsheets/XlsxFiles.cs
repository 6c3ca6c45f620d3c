using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tracker.Api;

namespace Tracker.Spreadsheets;

/// <summary>
/// .xlsx workbooks opened with the Open XML SDK, their sheet read forward only with an <see cref="XmlReader"/> over
/// the SDK's part: the first sheet or a named one; cells keep their types — numbers, dates (by their number format, in the 1900 or the 1904 date system),
/// percents (×100), booleans — and formulas are never evaluated: their cached values are read. Refused with a 4xx
/// before anything is read: a file that is not a zip package (an encrypted workbook is an OLE file), a macro-enabled
/// workbook, a package whose parts expand past <see cref="MaxExpandedBytes"/> (a zip bomb), a part with a DTD.
/// </summary>
public static partial class XlsxFiles
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The most bytes a workbook's parts may expand to; a real sheet of 5,000 rows is a few MB.</summary>
    public const long MaxExpandedBytes = 64L * 1024 * 1024;

    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0];

    /// <summary>The header and the rows of a workbook's sheet, numbered as the spreadsheet numbers them.</summary>
    public static (IReadOnlyList<string> Header, List<SheetRow> Rows) Read(byte[] body, string? sheetName)
    {
        CheckPackage(body);
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var document = SpreadsheetDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = MaxExpandedBytes / 2 });
            var workbook = document.WorkbookPart ?? throw NotAWorkbook("it has no workbook part");
            if (document.DocumentType == SpreadsheetDocumentType.MacroEnabledWorkbook || workbook.VbaProjectPart is not null)
            {
                throw MacroEnabled();
            }
            var date1904 = workbook.Workbook.WorkbookProperties?.Date1904?.Value == true;
            var sheets = workbook.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
            var sheet = sheetName is null ? sheets.FirstOrDefault()
                : sheets.FirstOrDefault(s => string.Equals(s.Name?.Value, sheetName, StringComparison.OrdinalIgnoreCase))
                  ?? throw Problems.Validation("sheet", $"There is no sheet '{sheetName}'; the sheets are: {string.Join(", ", sheets.Select(s => s.Name?.Value))}.");
            if (sheet?.Id?.Value is not { } partId || workbook.GetPartById(partId) is not WorksheetPart part)
            {
                throw NotAWorkbook("it has no worksheet");
            }
            var strings = workbook.SharedStringTablePart is { } shared ? SharedStrings(shared) : [];
            var kinds = CellKinds(workbook.WorkbookStylesPart?.Stylesheet);
            var rows = new List<SheetRow>();
            using var xml = Xml(part);
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "row")
                {
                    continue;
                }
                rows.Add(ReadRow(xml, rows.Count == 0 ? 1 : rows[^1].Number + 1, strings, kinds, date1904));
                if (rows.Count > CsvFiles.MaxRows * 2)
                {
                    throw new ApiProblemException(413, "Too many rows", $"A file may hold at most {CsvFiles.MaxRows:N0} rows; split it.");
                }
            }
            if (rows.Count == 0)
            {
                return ([], []);
            }
            var header = rows[0].Cells;
            rows.RemoveAt(0);
            return (header, rows);
        }
        catch (Exception e) when (e is XmlException or OpenXmlPackageException or InvalidDataException or FileFormatException or InvalidOperationException)
        {
            throw NotAWorkbook(e is XmlException && e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "it declares a DTD, which workbooks never need" : "its parts do not read as a workbook");
        }
    }

    /// <summary>Refuses what is not a plain .xlsx package before the SDK opens it: not a zip, macros, a zip bomb.</summary>
    private static void CheckPackage(byte[] body)
    {
        if (body.AsSpan().StartsWith(OleSignature))
        {
            throw new ApiProblemException(415, "Unsupported workbook",
                "The file is an encrypted (password-protected) workbook or an old .xls: save it as an .xlsx without a password, or as CSV.");
        }
        if (!body.AsSpan().StartsWith(ZipSignature))
        {
            throw NotAWorkbook("it is not a zip package");
        }
        try
        {
            using var zip = new ZipArchive(new MemoryStream(body, writable: false), ZipArchiveMode.Read);
            long expanded = 0;
            foreach (var entry in zip.Entries)
            {
                expanded += entry.Length;
                if (entry.FullName.Contains("vbaProject", StringComparison.OrdinalIgnoreCase))
                {
                    throw MacroEnabled();
                }
            }
            if (expanded > MaxExpandedBytes || zip.Entries.Count > 10_000)
            {
                throw new ApiProblemException(413, "Workbook too large",
                    $"The workbook expands to {expanded / (1024 * 1024):N0} MB; at most {MaxExpandedBytes / (1024 * 1024):N0} MB are read. Nothing was written.");
            }
            var types = zip.GetEntry("[Content_Types].xml");
            using var reader = new StreamReader(types?.Open() ?? throw NotAWorkbook("it has no [Content_Types].xml"));
            var text = reader.ReadToEnd();
            if (text.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase))
            {
                throw MacroEnabled();
            }
        }
        catch (InvalidDataException)
        {
            throw NotAWorkbook("it is not a valid zip package");
        }
    }

    private enum Kind
    {
        Number,
        Date,
        Percent,
    }

    /// <summary>What each cell style's number format makes of a number: a date, a percent or a number.</summary>
    private static IReadOnlyList<Kind> CellKinds(Stylesheet? styles)
    {
        var custom = styles?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        return styles?.CellFormats?.Elements<CellFormat>().Select(f =>
        {
            var id = f.NumberFormatId?.Value ?? 0;
            if (id is 9 or 10)
            {
                return Kind.Percent;
            }
            if (id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58))
            {
                return Kind.Date;
            }
            if (custom.TryGetValue(id, out var code))
            {
                var bare = Literals().Replace(code, "");
                return bare.Contains('%', StringComparison.Ordinal) ? Kind.Percent : DateParts().IsMatch(bare) ? Kind.Date : Kind.Number;
            }
            return Kind.Number;
        }).ToList() ?? [];
    }

    /// <summary>
    /// A part's XML read forward only, as the SDK's own reader does, but without building an element per row: no DTD
    /// (a part that declares one is refused), no external entities, at most <see cref="MaxExpandedBytes"/> characters.
    /// </summary>
    private static XmlReader Xml(OpenXmlPart part) => XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxExpandedBytes,
        IgnoreComments = true,
        CloseInput = true,
    });

    /// <summary>The shared strings in order: each item's text runs joined (rich text), its phonetic hints (rPh) left out.</summary>
    private static List<string> SharedStrings(SharedStringTablePart part)
    {
        var strings = new List<string>();
        using var xml = Xml(part);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
            {
                strings.Add(xml.IsEmptyElement ? "" : Runs(xml));
            }
        }
        return strings;
    }

    /// <summary>The text of a string item (si, is) at the reader, unescaped: its t elements outside phonetic runs; the reader is left on the item's end.</summary>
    private static string Runs(XmlReader xml)
    {
        var depth = xml.Depth;
        var text = new System.Text.StringBuilder();
        xml.Read();
        while (xml.Depth > depth)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh")
            {
                xml.Skip();
            }
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                text.Append(xml.ReadElementContentAsString());
            }
            else if (!xml.Read())
            {
                break;
            }
        }
        return XlsxText.Unescape(text.ToString());
    }

    /// <summary>A row element at the reader: its cells placed by their references (A1 → 0), which of them are typed; the reader left on its end.</summary>
    private static SheetRow ReadRow(XmlReader xml, int fallbackNumber, List<string> strings, IReadOnlyList<Kind> kinds, bool date1904)
    {
        var number = int.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : fallbackNumber;
        var cells = new List<string>();
        var typed = new HashSet<int>();
        if (xml.IsEmptyElement)
        {
            return new SheetRow(number, cells, typed);
        }
        var depth = xml.Depth;
        var next = 0;
        while (xml.Read() && xml.Depth > depth)
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "c")
            {
                continue;
            }
            var index = xml.GetAttribute("r") is { } reference ? ColumnIndex(reference) : next;
            var type = xml.GetAttribute("t");
            var style = uint.TryParse(xml.GetAttribute("s"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
            string raw = "", inline = "";
            if (!xml.IsEmptyElement)
            {
                var cellDepth = xml.Depth;
                xml.Read();
                while (xml.Depth > cellDepth)
                {
                    if (xml.NodeType != XmlNodeType.Element)
                    {
                        if (!xml.Read())
                        {
                            break;
                        }
                    }
                    else if (xml.LocalName == "v")
                    {
                        raw = xml.ReadElementContentAsString();
                    }
                    else if (xml.LocalName == "is")
                    {
                        inline = xml.IsEmptyElement ? "" : Runs(xml);
                        xml.Read();
                    }
                    else
                    {
                        xml.Skip(); // a formula (f): never evaluated, its cached value (v) is read
                    }
                }
            }
            while (cells.Count < index)
            {
                cells.Add("");
            }
            var (text, isTyped) = Text(type, raw, inline, style, strings, kinds, date1904);
            if (index < cells.Count)
            {
                cells[index] = text; // a cell named twice: the last one wins, as Excel reads it
            }
            else
            {
                cells.Add(text);
            }
            if (isTyped)
            {
                typed.Add(index);
            }
            next = index + 1;
        }
        return new SheetRow(number, cells, typed);
    }

    private static (string Text, bool Typed) Text(string? type, string raw, string inline, uint style, List<string> strings, IReadOnlyList<Kind> kinds, bool date1904)
    {
        switch (type)
        {
            case "s":
                return (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < strings.Count ? strings[i] : "", false);
            case "inlineStr":
                return (inline, false);
            case "b":
                return (raw == "1" ? "true" : "false", true);
            case "str" or "e" or "d":
                return (XlsxText.Unescape(raw), false); // a formula's cached text, an error such as #DIV/0!, an ISO date
        }
        if (raw.Length == 0 || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return (raw, false);
        }
        switch (style < kinds.Count ? kinds[(int)style] : Kind.Number)
        {
            case Kind.Date:
                var at = DateTime.FromOADate(number + (date1904 ? 1462 : 0));
                return (at.TimeOfDay == TimeSpan.Zero ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), true);
            case Kind.Percent:
                return (Invariant(number * 100), true);
            default:
                return (Invariant(number), true);
        }
    }

    /// <summary>A number as the invariant text the sheet readers take: no exponent, at most 10 decimals (what a double holds of a cell).</summary>
    private static string Invariant(double number) => Math.Round((decimal)number, 10).ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>A1 → 0, AB7 → 27.</summary>
    private static int ColumnIndex(string reference)
    {
        var index = 0;
        for (var i = 0; i < reference.Length && char.IsAsciiLetter(reference[i]); i++)
        {
            index = index * 26 + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
        }
        return Math.Max(0, index - 1);
    }

    private static ApiProblemException NotAWorkbook(string why) =>
        new(400, "Not a workbook", $"The file is not an .xlsx workbook the tracker reads: {why}. Save it from Excel or LibreOffice as .xlsx, or as CSV. Nothing was written.");

    private static ApiProblemException MacroEnabled() =>
        new(415, "Unsupported workbook", "Macro-enabled workbooks (.xlsm) are refused: save the sheet as .xlsx (without macros) or as CSV. Nothing was written.");

    /// <summary>Quoted text, escaped characters and [colour]/[$-locale] sections of a format code.</summary>
    [GeneratedRegex(@"""[^""]*""|\\.|\[[^\]]*\]")]
    private static partial Regex Literals();

    [GeneratedRegex("[dmyhs]", RegexOptions.IgnoreCase)]
    private static partial Regex DateParts();
}
