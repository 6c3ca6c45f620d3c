using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tracker.Spreadsheets;

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
    public async Task MacroEnabledEncryptedZipBombAndDtdWorkbooksAreRefusedAndWriteNothing()
    {
        var portfolio = await api.CreatePortfolioAsync();
        var plain = Workbook(false, ["name", "category", "startDate"], [[Inline("One"), Inline("cloud"), Inline("2026-01-05")]]);

        var macro = await ImportAsync($"/api/portfolios/{portfolio}/projects:import", Workbook(false, ["name"], [[Inline("x")]], SpreadsheetDocumentType.MacroEnabledWorkbook));
        Assert.Contains("Macro-enabled", (await HttpAssert.ProblemAsync(macro, 415)).GetProperty("detail").GetString());

        var encrypted = new byte[4096];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(encrypted, 0);
        Assert.Contains("encrypted", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", encrypted), 415)).GetProperty("detail").GetString());

        var bomb = ZipBomb();
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length} bytes");
        Assert.Contains("expands to", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", bomb), 413)).GetProperty("detail").GetString());

        var dtd = WithSheetXml(plain, xml => xml.Replace("<x:worksheet", "<!DOCTYPE x:worksheet [<!ENTITY boom \"boom\">]><x:worksheet", StringComparison.Ordinal));
        Assert.Contains("DTD", (await HttpAssert.ProblemAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", dtd), 400)).GetProperty("detail").GetString());

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
            var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
            Assert.Equal(PaneStateValues.Frozen, sheet.Descendants<Pane>().Single().State!.Value);
            Assert.StartsWith("A1:", sheet.Descendants<AutoFilter>().Single().Reference!.Value);
            var cells = sheet.Descendants<Cell>().ToList();
            Assert.DoesNotContain(cells, c => c.CellFormula is not null); // a formula-looking name is text
            Assert.Contains(cells, c => c.DataType?.Value == CellValues.InlineString && c.InnerText == "=HYPERLINK(\"http://evil\")");
            Assert.Contains(cells, c => c.StyleIndex?.Value == 2 && c.CellValue?.Text == new DateTime(2026, 2, 1).ToOADate().ToString(System.Globalization.CultureInfo.InvariantCulture)); // a date cell
        }
        var same = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/projects:import", projects), 200);
        Assert.Equal(2, same.GetProperty("totals").GetProperty("unchanged").GetInt32());

        var updates = await ExportAsync($"/api/portfolios/{portfolio}/updates");
        var again = await HttpAssert.JsonAsync(await ImportAsync($"/api/portfolios/{portfolio}/updates:import", updates), 200);
        Assert.Equal((0, 1), (again.GetProperty("totals").GetProperty("created").GetInt32(), again.GetProperty("totals").GetProperty("unchanged").GetInt32()));
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

    /// <summary>A few hundred KB that expand past the tracker's limit: a worksheet part of 80 MB of spaces.</summary>
    private static byte[] ZipBomb()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                types.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            }
            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 80; i++)
            {
                sheet.Write(spaces);
            }
        }
        return stream.ToArray();
    }

    /// <summary>The workbook with its sheet's XML text changed.</summary>
    private static byte[] WithSheetXml(byte[] workbook, Func<string, string> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.Single(e => e.FullName.Contains("worksheets/", StringComparison.Ordinal));
            string xml;
            using (var reader = new StreamReader(entry.Open()))
            {
                xml = reader.ReadToEnd();
            }
            var name = entry.FullName;
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
            writer.Write(change(xml));
        }
        return stream.ToArray();
    }
}
