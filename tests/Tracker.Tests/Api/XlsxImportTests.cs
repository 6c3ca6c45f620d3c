using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tracker.Spreadsheets;
using Tracker.Testing;

namespace Tracker.Tests.Api;

/// <summary>
/// .xlsx workbooks built with the Open XML SDK in the shapes Excel and LibreOffice write (shared and inline strings,
/// typed numbers, date and percent styles, the 1904 date system, an empty trailing column), imported through real
/// HTTP on Azurite; and the workbooks that are refused with nothing written.
/// </summary>
[Collection("api")]
public sealed class XlsxImportTests(ApiFixture api)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATypedWorkbookImportsWithItsDatesPercentsNumbersAndBooleans(bool date1904)
    {
        var portfolio = await api.CreatePortfolioAsync();
        var start = new DateTime(2026, 1, 5);
        var workbook = Workbook(date1904, ["Project Name", "Category", "Start", "% Complete", "Budget (EUR)", "Customer engagement", ""],
            [
                [Inline("CRM Roll-out"), Shared("CRM"), Date(start, date1904), Percent(0.45), Number(250000), Bool(true), Inline("")],
                [Shared("Demand forecasting"), Shared("AI"), Date(start.AddDays(27), date1904), Percent(0), Number(80000.5), Bool(false), Inline("")],
            ]);
        // A culture for text cells does not touch typed ones: 250000 stays 250000 with de-DE.
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?culture=de-DE", workbook), 200);
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        Assert.Equal([2, 3], report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        var crm = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/crm-roll-out"), 200);
        Assert.Equal(("crm", "2026-01-05", 45m, 250000m, true), (crm.GetProperty("category").GetString(), crm.GetProperty("startDate").GetString(),
            crm.GetProperty("percentComplete").GetDecimal(), crm.GetProperty("budget").GetDecimal(), crm.GetProperty("customerEngagement").GetBoolean()));
        var ai = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/demand-forecasting"), 200);
        Assert.Equal(("2026-02-01", 80000.5m, false), (ai.GetProperty("startDate").GetString(), ai.GetProperty("budget").GetDecimal(), ai.GetProperty("customerEngagement").GetBoolean()));
    }

    [Fact]
    public async Task MacroEnabledEncryptedZipBombDtdAndTooLongWorkbooksAreRefusedAndWriteNothing()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var plain = Workbook(false, ["name", "category", "startDate"], [[Inline("One"), Inline("cloud"), Inline("2026-01-05")]]);

        var macro = await ImportAsync($"/api/portfolios/{portfolio}/projects:import", Workbook(false, ["name"], [[Inline("x")]], SpreadsheetDocumentType.MacroEnabledWorkbook));
        Assert.Contains("Macro-enabled", (await HttpAssert.ProblemAsync(macro, 415)).GetProperty("detail").GetString());

        var encrypted = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(encrypted, 0);
        Assert.Contains("encrypted", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", encrypted), 415)).GetProperty("detail").GetString());

        var bomb = HostileWorkbooks.ZipBomb();
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");
        Assert.Contains("expands to", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", bomb), 413)).GetProperty("detail").GetString());

        var dtd = HostileWorkbooks.WithEntry(plain, "xl/worksheets/", xml => xml.Replace("<x:worksheet", "<!DOCTYPE x:worksheet [<!ENTITY boom \"boom\">]><x:worksheet", StringComparison.Ordinal));
        Assert.Contains("DTD", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", dtd), 400)).GetProperty("detail").GetString());

        var tooMany = Workbook(false, ["name", "category", "startDate"],
            [.. Enumerable.Range(0, CsvFiles.MaxRows + 1).Select(i => new List<Func<SharedStringTable, Cell>> { Inline($"P{i}"), Inline("cloud"), Inline("2026-01-05") })]);
        Assert.Contains("at most 5,000 rows", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", tooMany), 413)).GetProperty("detail").GetString());

        var listed = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects"), 200);
        Assert.Equal(0, listed.GetProperty("items").GetArrayLength());
        // The plain workbook itself imports.
        Assert.Equal(1, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", plain), 200)).GetProperty("totals").GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task AnXlsxExportHasTypedCellsAFrozenFilteredHeaderAndReimportsUnchanged()
    {
        var portfolio = await api.CreatePortfolioAsync();
        await api.CreateProjectAsync(portfolio, "cloud-one", budget: 250_000);
        (await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects", new StringContent(
            "{\"id\":\"ai-two\",\"name\":\"=HYPERLINK(\\\"http://evil\\\")\",\"category\":\"ai\",\"startDate\":\"2026-02-01\",\"percentComplete\":12.5}",
            Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await api.Admin.PostAsync($"/api/portfolios/{portfolio}/projects/cloud-one/updates", new StringContent("{\"percentComplete\":40,\"spend\":1234.5}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var projects = await ExportAsync($"/api/portfolios/{portfolio}/projects");
        using (var document = SpreadsheetDocument.Open(new MemoryStream(projects), false))
        {
            AssertValid(document);
            var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
            Assert.Equal(PaneStateValues.Frozen, sheet.Descendants<Pane>().Single().State!.Value);
            Assert.StartsWith("A1:", sheet.Descendants<AutoFilter>().Single().Reference!.Value);
            var cells = sheet.Descendants<Cell>().ToList();
            Assert.DoesNotContain(cells, c => c.CellFormula is not null); // a formula-looking name is text
            Assert.Contains(cells, c => c.DataType?.Value == CellValues.InlineString && c.InnerText == "=HYPERLINK(\"http://evil\")");
            Assert.Contains(cells, c => c.StyleIndex?.Value == 2 && c.CellValue?.Text == new DateTime(2026, 2, 1).ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)); // a date cell
            var budget = cells.Single(c => c.CellValue?.Text == "250000"); // money in the portfolio's currency
            Assert.Equal("#,##0.00\\ [$€]", NumberFormats(document.WorkbookPart)[budget.StyleIndex!.Value]);
        }
        var same = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", projects), 200);
        Assert.Equal(2, same.GetProperty("totals").GetProperty("unchanged").GetInt32());

        var updates = await ExportAsync($"/api/portfolios/{portfolio}/updates");
        var again = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", updates), 200);
        Assert.Equal((0, 1), (again.GetProperty("totals").GetProperty("created").GetInt32(), again.GetProperty("totals").GetProperty("unchanged").GetInt32()));
    }

    /// <summary>The template a PMO starts from: it opens, explains each column, has drop-downs on the enum columns, and a copy filled in as Excel fills it imports.</summary>
    [Fact]
    public async Task TheTemplateOpensHasDropDownsOnTheEnumColumnsAndAFilledInCopyImports()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var reader = await api.CreateKeyAsync("reader", portfolio);
        var response = await api.Client(reader).GetAsync($"/api/portfolios/{portfolio}/projects:template");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(XlsxFiles.MediaType, response.Content.Headers.ContentType!.MediaType);
        var template = await response.Content.ReadAsByteArrayAsync();

        using (var document = SpreadsheetDocument.Open(new MemoryStream(template), false))
        {
            AssertValid(document);
            var workbook = document.WorkbookPart!;
            var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
            Assert.Equal(["Project list", "Columns"], sheets.Select(s => s.Name!.Value));
            var projects = ((WorksheetPart)workbook.GetPartById(sheets[0].Id!)).Worksheet;
            var header = projects.Descendants<Row>().First().Elements<Cell>().Select(c => c.InnerText).ToList();
            Assert.Equal(["Id", "Project name", "Category", "Status", "Priority", "Owner", "Start date", "Target date", "Budget (EUR)", "Spend (EUR)", "% complete", "RAG",
                "Customer engagement", "Customer KPI", "Financial measure"], header);
            Assert.Equal(2, projects.Descendants<Row>().Count()); // the header and one example row
            var lists = projects.Descendants<DataValidation>().Where(v => v.Type?.Value == DataValidationValues.List)
                .ToDictionary(v => header[Column(v.SequenceOfReferences!.InnerText!)], v => v.Formula1!.Text);
            Assert.Equal("\"cloud,crm,ai\"", lists["Category"]);
            Assert.Equal("\"proposed,active,onHold,completed,cancelled\"", lists["Status"]);
            Assert.Equal("\"low,medium,high,critical\"", lists["Priority"]);
            Assert.Equal("\"green,amber,red\"", lists["RAG"]);
            Assert.All(projects.Descendants<DataValidation>(), v => Assert.EndsWith("5001", v.SequenceOfReferences!.InnerText));
            // Formats down each column: dates, money in the portfolio's currency, percent.
            var formats = NumberFormats(workbook);
            var columns = projects.Descendants<Column>().ToDictionary(c => (int)c.Min!.Value - 1, c => formats[c.Style!.Value]);
            Assert.Equal("yyyy-mm-dd", columns[header.IndexOf("Start date")]);
            Assert.Contains("[$€]", columns[header.IndexOf("Budget (EUR)")]);
            Assert.Contains("%", columns[header.IndexOf("% complete")]);
            var help = ((WorksheetPart)workbook.GetPartById(sheets[1].Id!)).Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => c.InnerText).ToList()).ToList();
            Assert.Equal(["Column", "Needed for a new project", "What to write", "Tracker name"], help[0]);
            Assert.All(header, h => Assert.Contains(help, r => r[0] == h && r[2].Length > 20)); // every column explained
        }

        // Filled in as Excel fills it: the example row overwritten, a second row added, text as shared strings, dates and money typed in the column formats.
        var filled = Edit(template, (sheet, strings) =>
        {
            var data = sheet.Descendants<SheetData>().Single();
            data.RemoveChild(data.Elements<Row>().Last());
            foreach (var (number, name, category, status, start, budget, percent, rag) in new[]
            {
                (2u, "Cloud landing zone", "cloud", "active", new DateTime(2026, 2, 2), 120000.0, 0.25, "amber"),
                (3u, "Chatbot pilot", "ai", "proposed", new DateTime(2026, 3, 2), 45000.0, 0.0, "green"),
            })
            {
                data.AppendChild(new Row(
                    new Cell { CellReference = $"B{number}", DataType = CellValues.SharedString, CellValue = new CellValue(strings(name)) },
                    new Cell { CellReference = $"C{number}", DataType = CellValues.SharedString, CellValue = new CellValue(strings(category)) },
                    new Cell { CellReference = $"D{number}", DataType = CellValues.SharedString, CellValue = new CellValue(strings(status)) },
                    new Cell { CellReference = $"G{number}", CellValue = new CellValue(start.ToOADate()), StyleIndex = 2 },
                    new Cell { CellReference = $"I{number}", CellValue = new CellValue(budget), StyleIndex = 5 },
                    new Cell { CellReference = $"K{number}", CellValue = new CellValue(percent), StyleIndex = 4 },
                    new Cell { CellReference = $"L{number}", DataType = CellValues.SharedString, CellValue = new CellValue(strings(rag)) })
                { RowIndex = number });
            }
        });
        var report = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", filled), 200);
        Assert.Equal(["cloud-landing-zone", "chatbot-pilot"], report.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(2, report.GetProperty("totals").GetProperty("created").GetInt32());
        var cloud = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/cloud-landing-zone"), 200);
        Assert.Equal(("cloud", "2026-02-02", 120000m, 25m, "amber"), (cloud.GetProperty("category").GetString(), cloud.GetProperty("startDate").GetString(),
            cloud.GetProperty("budget").GetDecimal(), cloud.GetProperty("percentComplete").GetDecimal(), cloud.GetProperty("rag").GetString()));

        // The template untouched imports its example row, as the help sheet says.
        var example = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true", template), 200);
        Assert.Equal("crm-roll-out-emea", Assert.Single(example.GetProperty("rows").EnumerateArray()).GetProperty("id").GetString());
    }

    /// <summary>
    /// A workbook as LibreOffice (German locale) saves one: custom number formats with locale tags ([$-407]DD.MM.YYYY,
    /// money with [$€-407]), rich-text shared strings and phonetic hints, formulas with cached values, explicitly typed numbers, styled
    /// empty cells and a styled empty trailing column.
    /// </summary>
    [Fact]
    public async Task AWorkbookInLibreOfficesShapeImports()
    {
        var portfolio = await api.CreatePortfolioAsync(timeZone: "Europe/Berlin");
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "[$-407]DD\\.MM\\.YYYY" },
                    new NumberingFormat { NumberFormatId = 165, FormatCode = "#,##0.00\\ [$€-407];[RED]\\-#,##0.00\\ [$€-407]" },
                    new NumberingFormat { NumberFormatId = 166, FormatCode = "0.0%" }),
                new Fonts(new Font()), new Fills(new Fill(), new Fill()), new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
                    new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true }, new CellFormat { NumberFormatId = 166, ApplyNumberFormat = true }));
            var strings = new SharedStringTable(
                new SharedStringItem(new Text("Projektname")),
                new SharedStringItem(new Text("Kategorie"), new PhoneticRun(new Text("カテ")) { BaseTextStartIndex = 0, EndingBaseIndex = 2 },
                    new PhoneticRun(new Text("ゴリ")) { BaseTextStartIndex = 2, EndingBaseIndex = 4 }), // phonetic hints, as an East Asian locale leaves them
                new SharedStringItem(new Text("Beginn")),
                new SharedStringItem(new Text("Budget")), new SharedStringItem(new Text("Fortschritt")), new SharedStringItem(new Text("Ausgaben")),
                new SharedStringItem(new Run(new RunProperties(new Bold()), new Text("Portal ")), new Run(new Text("Relaunch"))), // rich text, as a bold word leaves it
                new SharedStringItem(new Text("CRM")));
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable = strings;
            Cell S(string reference, int index, uint? style = null) => new() { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index), StyleIndex = style };
            var data = new SheetData(
                new Row(S("A1", 0), S("B1", 1), S("C1", 2), S("D1", 3), S("E1", 4), S("F1", 5), new Cell { CellReference = "G1", StyleIndex = 2 }) { RowIndex = 1, Spans = new ListValue<StringValue> { InnerText = "1:7" } },
                new Row(S("A2", 6), S("B2", 7),
                    new Cell { CellReference = "C2", DataType = CellValues.Number, CellValue = new CellValue(new DateTime(2026, 1, 5).ToOADate()), StyleIndex = 1 },
                    new Cell { CellReference = "D2", DataType = CellValues.Number, CellValue = new CellValue(250000.0), StyleIndex = 2 },
                    new Cell { CellReference = "E2", CellFormula = new CellFormula("F2/D2"), CellValue = new CellValue(0.125), StyleIndex = 3 },
                    new Cell { CellReference = "F2", CellFormula = new CellFormula("10000+21250"), CellValue = new CellValue(31250.0), StyleIndex = 2 },
                    new Cell { CellReference = "G2", StyleIndex = 2 })
                { RowIndex = 2 },
                new Row(new Cell { CellReference = "A3", StyleIndex = 2 }, new Cell { CellReference = "G3", StyleIndex = 2 }) { RowIndex = 3 }); // styled but empty
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(new Columns(new Column { Min = 1, Max = 1024, Width = 11.5, Style = 0 }), data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Tabelle1" }));
        }
        var map = "map=Projektname:name&map=Kategorie:category&map=Beginn:startDate&map=Fortschritt:percentComplete&map=Ausgaben:spend";
        var dryRun = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?dryRun=true&culture=de-DE&{map}", stream.ToArray()), 200);
        Assert.Equal(["A Projektname → name (map)", "B Kategorie → category (map)", "C Beginn → startDate (map)", "D Budget → budget (name)",
            "E Fortschritt → percentComplete (map)", "F Ausgaben → spend (map)"], SpreadsheetTests.Mapping(dryRun));
        Assert.Equal(2, Assert.Single(dryRun.GetProperty("rows").EnumerateArray()).GetProperty("row").GetInt32());
        Assert.Equal(1, (await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import?culture=de-DE&{map}", stream.ToArray()), 200))
            .GetProperty("totals").GetProperty("created").GetInt32());
        var project = await HttpAssert.JsonAsync(await api.Admin.GetAsync($"/api/portfolios/{portfolio}/projects/portal-relaunch"), 200);
        Assert.Equal(("Portal Relaunch", "crm", "2026-01-05", 250000m, 12.5m, 31250m), (project.GetProperty("name").GetString(), project.GetProperty("category").GetString(),
            project.GetProperty("startDate").GetString(), project.GetProperty("budget").GetDecimal(), project.GetProperty("percentComplete").GetDecimal(), project.GetProperty("spend").GetDecimal()));
    }

    /// <summary>The workbook is valid Office Open XML as the SDK's validator checks it (what Excel would otherwise offer to repair).</summary>
    private static void AssertValid(SpreadsheetDocument document)
    {
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator(FileFormatVersions.Office2019).Validate(document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>A1:A5001 → 0 (the first column of a reference).</summary>
    private static int Column(string reference) => reference.TakeWhile(char.IsLetter).Aggregate(0, (n, c) => n * 26 + c - 'A' + 1) - 1;

    /// <summary>Each cell style's number format code (built-in ones by their id).</summary>
    private static Dictionary<uint, string> NumberFormats(WorkbookPart workbook)
    {
        var styles = workbook.WorkbookStylesPart!.Stylesheet;
        var custom = styles.NumberingFormats!.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value!);
        return styles.CellFormats!.Elements<CellFormat>().Select((f, i) => (i, f.NumberFormatId?.Value ?? 0))
            .ToDictionary(x => (uint)x.i, x => custom.GetValueOrDefault(x.Item2, $"builtin {x.Item2}"));
    }

    /// <summary>A copy of a workbook with its first sheet changed; <c>strings</c> adds a shared string and gives its index.</summary>
    private static byte[] Edit(byte[] workbook, Action<Worksheet, Func<string, int>> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var document = SpreadsheetDocument.Open(stream, true))
        {
            var part = document.WorkbookPart!;
            var table = (part.SharedStringTablePart ?? part.AddNewPart<SharedStringTablePart>()).SharedStringTable ??= new SharedStringTable();
            var first = (WorksheetPart)part.GetPartById(part.Workbook.Sheets!.Elements<Sheet>().First().Id!);
            change(first.Worksheet, text =>
            {
                table.AppendChild(new SharedStringItem(new Text(text)));
                return table.ChildElements.Count - 1;
            });
            first.Worksheet.Save();
            table.Save();
        }
        return stream.ToArray();
    }

    private async Task<byte[]> ExportAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(XlsxFiles.MediaType));
        var response = await api.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(XlsxFiles.MediaType, response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private Task<HttpResponseMessage> ImportAsync(string path, byte[] workbook)
    {
        var content = new ByteArrayContent(workbook);
        content.Headers.ContentType = new MediaTypeHeaderValue(XlsxFiles.MediaType);
        return api.Admin.PostAsync(path, content);
    }

    private static Func<SharedStringTable, Cell> Inline(string text) => _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Func<SharedStringTable, Cell> Shared(string text) => table =>
    {
        table.AppendChild(new SharedStringItem(new Text(text)));
        return new Cell { DataType = CellValues.SharedString, CellValue = new CellValue(table.ChildElements.Count - 1) };
    };

    private static Func<SharedStringTable, Cell> Number(double value) => _ => new Cell { CellValue = new CellValue(value) };

    /// <summary>A date cell: its serial number in the workbook's date system, styled with the built-in date format 14.</summary>
    private static Func<SharedStringTable, Cell> Date(DateTime day, bool date1904) => _ => new Cell { CellValue = new CellValue(day.ToOADate() - (date1904 ? 1462 : 0)), StyleIndex = 1 };

    private static Func<SharedStringTable, Cell> Percent(double fraction) => _ => new Cell { CellValue = new CellValue(fraction), StyleIndex = 2 };

    private static Func<SharedStringTable, Cell> Bool(bool value) => _ => new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(value ? "1" : "0") };

    /// <summary>A workbook as Excel writes one: styles (date and percent formats), shared strings, a sheet whose first row is the header.</summary>
    private static byte[] Workbook(bool date1904, string[] header, List<Func<SharedStringTable, Cell>>[] rows,
        SpreadsheetDocumentType type = SpreadsheetDocumentType.Workbook)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, type))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            if (date1904)
            {
                workbook.Workbook.AppendChild(new WorkbookProperties { Date1904 = true });
            }
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
                new Fonts(new Font()), new Fills(new Fill(), new Fill()), new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }, new CellFormat { NumberFormatId = 9, ApplyNumberFormat = true }));
            var strings = new SharedStringTable();
            var data = new SheetData();
            uint number = 1;
            data.AppendChild(new Row(header.Select(h => (OpenXmlElement)Shared(h)(strings))) { RowIndex = number++ });
            foreach (var row in rows)
            {
                data.AppendChild(new Row(row.Select(cell => (OpenXmlElement)cell(strings))) { RowIndex = number++ });
            }
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable = strings;
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Projects" }));
        }
        return stream.ToArray();
    }
}
