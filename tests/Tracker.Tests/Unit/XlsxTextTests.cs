using FsCheck;
using FsCheck.Fluent;
using Tracker.Spreadsheets;

namespace Tracker.Tests.Unit;

/// <summary>The OOXML string escapes: what XML would not keep survives a workbook, and a literal escape stays literal.</summary>
public sealed class XlsxTextTests
{
    [Theory]
    [InlineData("line one\r\nline two", "line one_x000D_\nline two")]
    [InlineData("a literal _x0041_ stays", "a literal _x005F_x0041_ stays")]
    [InlineData("bell\u0007", "bell_x0007_")]
    [InlineData("tab\tand newline\n kept", "tab\tand newline\n kept")]
    public void TextIsEscapedAsExcelEscapesIt(string text, string written)
    {
        Assert.Equal(written, XlsxText.Escape(text));
        Assert.Equal(text, XlsxText.Unescape(written));
    }

    [Fact]
    public void AnyTextReadsBackAsWritten()
    {
        var pieces = Gen.Elements("_x000D_", "_x", "_", "x0041_", "\r", "\n", "\u0001", "a", "€", " ");
        Prop.ForAll(pieces.ListOf().Select(p => string.Concat(p)).ToArbitrary(), text => XlsxText.Unescape(XlsxText.Escape(text)) == text)
            .QuickCheckThrowOnFailure();
    }
}
