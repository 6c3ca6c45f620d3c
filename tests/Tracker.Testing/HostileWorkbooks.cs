using System.IO.Compression;
using System.Text;

namespace Tracker.Testing;

/// <summary>Files the workbook reader must refuse, built at the zip level (no spreadsheet library writes them): for the tests and the bench alike.</summary>
public static class HostileWorkbooks
{
    /// <summary>A few hundred KB that expand past the tracker's 64 MB limit: a worksheet part of 80 MB of spaces.</summary>
    public static byte[] ZipBomb()
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

    /// <summary>The workbook with the text of its first entry whose name starts with <paramref name="prefix"/> changed.</summary>
    public static byte[] WithEntry(byte[] workbook, string prefix, Func<string, string> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.First(e => e.FullName.StartsWith(prefix, StringComparison.Ordinal));
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
