using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tracker.Api;

namespace Tracker.Spreadsheets;

/// <summary>What a column's cells are in a written workbook.</summary>
public enum CellKind
{
    Text,
    Date,
    Number,

    /// <summary>A number shown in the portfolio's currency (<see cref="XlsxWriter.MoneyFormat"/>).</summary>
    Money,
    Percent,
    Bool,
}

/// <summary>
/// One sheet of a written workbook: its name, header (shown bold, frozen and filtered), each column's kind (its cells
/// typed and formatted so, and the column's default format, so what a person types later gets it too), its rows of
/// invariant text (as the CSV export writes them), and drop-down lists (data validation) by column.
/// </summary>
public sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IReadOnlyList<CellKind> Kinds, IEnumerable<IReadOnlyList<string?>> Rows)
{
    /// <summary>Columns whose cells must be one of a list: offered as a drop-down, anything else refused by the spreadsheet.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> Lists { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>Percent columns the spreadsheet limits to 0-100 % as they are typed.</summary>
    public bool LimitPercents { get; init; }

    /// <summary>Whether the header row gets an AutoFilter (a reference sheet of prose doesn't need one).</summary>
    public bool Filter { get; init; } = true;

    /// <summary>Column widths in characters; by default from the header.</summary>
    public IReadOnlyList<double>? Widths { get; init; }
}

/// <summary>
/// Writes .xlsx workbooks (Open XML SDK): typed cells — dates as dates, money as numbers in the portfolio's currency
/// format, percents as percents, booleans — text always as inline strings (a cell that looks like a formula stays
/// text, never a formula), each header row frozen and filtered. What it writes, <see cref="XlsxFiles"/> reads back
/// unchanged.
/// </summary>
public static class XlsxWriter
{
    /// <summary>The rows a drop-down or a limit applies to: as many as an import takes.</summary>
    private const int ValidatedRows = CsvFiles.MaxRows + 1;

    private enum Style : uint
    {
        Plain = 0,
        Header = 1,
        Date = 2,
        Number = 3,
        Percent = 4,
        Money = 5,
        Wrapped = 6,
    }

    /// <summary>One sheet as a downloadable workbook.</summary>
    public static ApiResponse Write(string fileName, IReadOnlyList<string> columns, IReadOnlyDictionary<string, CellKind> kinds, IEnumerable<IReadOnlyList<string?>> rows,
        string currency) =>
        Write(fileName, currency, new XlsxSheet("Sheet1", columns, [.. columns.Select(c => kinds.GetValueOrDefault(c))], rows));

    public static ApiResponse Write(string fileName, string currency, params XlsxSheet[] sheets)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles(currency);
            var entries = new Sheets();
            var names = new DefinedNames();
            for (var i = 0; i < sheets.Length; i++)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var last = WriteSheet(part, sheets[i]);
                entries.AppendChild(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = (uint)i + 1, Name = sheets[i].Name });
                if (sheets[i].Filter)
                {
                    names.AppendChild(new DefinedName($"'{sheets[i].Name}'!$A$1:{last}") { Name = "_xlnm._FilterDatabase", LocalSheetId = (uint)i, Hidden = true });
                }
            }
            workbook.Workbook.AppendChild(entries);
            if (names.HasChildren)
            {
                workbook.Workbook.AppendChild(names);
            }
        }
        return new ApiResponse(200, stream.ToArray(), XlsxFiles.MediaType)
        {
            Headers = [new("Content-Disposition", $"attachment; filename=\"{fileName}\"")],
        };
    }

    /// <summary>
    /// A currency's number format, as Excel and LibreOffice show it in any locale (the separators follow the reader's
    /// locale): EUR → <c>#,##0.00 [$€]</c>, USD → <c>[$$]#,##0.00</c>, JPY without decimals, any other code after the number.
    /// </summary>
    public static string MoneyFormat(string currency) => currency.ToUpperInvariant() switch
    {
        "EUR" => "#,##0.00\\ [$€]",
        "USD" => "[$$]#,##0.00",
        "GBP" => "[$£]#,##0.00",
        "JPY" => "[$¥]#,##0",
        "CHF" => "[$CHF]\\ #,##0.00",
        var code => $"#,##0.00\\ [${code}]",
    };

    /// <summary>Writes a sheet's part; returns the reference of its last cell as <c>$X$n</c>.</summary>
    private static string WriteSheet(WorksheetPart part, XlsxSheet sheet)
    {
        var data = new SheetData();
        data.AppendChild(new Row(sheet.Header.Select(c => (OpenXmlElement)Text(c, Style.Header))) { RowIndex = 1 });
        uint number = 1;
        foreach (var row in sheet.Rows)
        {
            number++;
            data.AppendChild(new Row(row.Select((cell, i) => (OpenXmlElement)Cell(cell, sheet.Kinds[i], wrapped: sheet.Widths is not null))) { RowIndex = number });
        }
        var lastColumn = SheetMapping.Letter(sheet.Header.Count - 1);
        var last = $"{lastColumn}{Math.Max(number, 2)}";
        var worksheet = new Worksheet(
            new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 }),
            new Columns(sheet.Header.Select((c, i) => new Column
            {
                Min = (uint)i + 1,
                Max = (uint)i + 1,
                Width = sheet.Widths?[i] ?? Math.Max(12, c.Length + 4),
                CustomWidth = true,
                Style = (uint)StyleOf(sheet.Kinds[i], wrapped: sheet.Widths is not null),
            })),
            data);
        if (sheet.Filter)
        {
            worksheet.AppendChild(new AutoFilter { Reference = $"A1:{last}" });
        }
        var validations = Validations(sheet);
        if (validations.HasChildren)
        {
            worksheet.AppendChild(validations);
        }
        part.Worksheet = worksheet;
        return $"${lastColumn}${Math.Max(number, 2)}";
    }

    /// <summary>The drop-downs of the enum columns, and the 0-100 % limit of percent columns, on every row an import takes.</summary>
    private static DataValidations Validations(XlsxSheet sheet)
    {
        var validations = new DataValidations();
        foreach (var (column, values) in sheet.Lists.OrderBy(l => l.Key))
        {
            var letter = SheetMapping.Letter(column);
            validations.AppendChild(new DataValidation
            {
                Type = DataValidationValues.List,
                AllowBlank = true,
                ShowInputMessage = true,
                ShowErrorMessage = true,
                ErrorTitle = sheet.Header[column],
                Error = "Choose one of: " + string.Join(", ", values) + ".",
                SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{ValidatedRows}" },
                Formula1 = new Formula1($"\"{string.Join(",", values)}\""),
            });
        }
        if (sheet.LimitPercents)
        {
            foreach (var column in Enumerable.Range(0, sheet.Kinds.Count).Where(i => sheet.Kinds[i] == CellKind.Percent))
            {
                var letter = SheetMapping.Letter(column);
                validations.AppendChild(new DataValidation
                {
                    Type = DataValidationValues.Decimal,
                    Operator = DataValidationOperatorValues.Between,
                    AllowBlank = true,
                    ShowErrorMessage = true,
                    ErrorTitle = sheet.Header[column],
                    Error = "Between 0 % and 100 %.",
                    SequenceOfReferences = new ListValue<StringValue> { InnerText = $"{letter}2:{letter}{ValidatedRows}" },
                    Formula1 = new Formula1("0"),
                    Formula2 = new Formula2("1"),
                });
            }
        }
        if (validations.HasChildren)
        {
            validations.Count = (uint)validations.ChildElements.Count;
        }
        return validations;
    }

    private static Stylesheet Styles(string currency) => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "#,##0.##" },
            new NumberingFormat { NumberFormatId = 166, FormatCode = "0.##%" },
            new NumberingFormat { NumberFormatId = 167, FormatCode = MoneyFormat(currency) }),
        new Fonts(new Font(), new Font(new Bold())),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 166, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 167, ApplyNumberFormat = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true }));

    private static Style StyleOf(CellKind kind, bool wrapped) => kind switch
    {
        CellKind.Date => Style.Date,
        CellKind.Number => Style.Number,
        CellKind.Money => Style.Money,
        CellKind.Percent => Style.Percent,
        _ => wrapped ? Style.Wrapped : Style.Plain,
    };

    private static Cell Cell(string? value, CellKind kind, bool wrapped)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new Cell();
        }
        switch (kind)
        {
            case CellKind.Date when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                return new Cell { CellValue = new CellValue(day.ToDateTime(TimeOnly.MinValue).ToOADate()), StyleIndex = (uint)Style.Date };
            case CellKind.Number or CellKind.Money when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount):
                return new Cell { CellValue = new CellValue(amount), StyleIndex = (uint)StyleOf(kind, false) };
            case CellKind.Percent when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent):
                return new Cell { CellValue = new CellValue((double)((decimal)percent / 100)), StyleIndex = (uint)Style.Percent };
            case CellKind.Bool when bool.TryParse(value, out var flag):
                return new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(flag ? "1" : "0") };
            default:
                return Text(value, wrapped ? Style.Wrapped : Style.Plain);
        }
    }

    /// <summary>Text as an inline string: shown as written, never run as a formula.</summary>
    private static Cell Text(string value, Style style = Style.Plain) =>
        new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(XlsxText.Escape(value)) { Space = SpaceProcessingModeValues.Preserve }), StyleIndex = style == Style.Plain ? null : (uint)style };
}

/// <summary>
/// The escapes of OOXML strings (ST_Xstring): a character XML would not keep — a carriage return, which XML turns into
/// a line feed, or a control character — is written <c>_xHHHH_</c>, as Excel writes it, and a literal <c>_xHHHH_</c>
/// gets its underscore escaped; reading undoes both. So a note written with CR LF reads back as CR LF.
/// </summary>
public static partial class XlsxText
{
    public static string Escape(string text) =>
        Escapable().Replace(text, m => $"_x{(int)m.Value[0]:X4}_"); // "_" is 5F

    public static string Unescape(string text) =>
        text.Contains("_x", StringComparison.Ordinal) ? Escaped().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString()) : text;

    /// <summary>A control character other than tab and line feed, or a literal escape's underscore.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"[\x00-\x08\x0B-\x1F]|_(?=x[0-9A-Fa-f]{4}_)")]
    private static partial System.Text.RegularExpressions.Regex Escapable();

    [System.Text.RegularExpressions.GeneratedRegex("_x([0-9A-Fa-f]{4})_")]
    private static partial System.Text.RegularExpressions.Regex Escaped();
}
