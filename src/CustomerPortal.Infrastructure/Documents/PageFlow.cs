using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace CustomerPortal.Infrastructure.Documents;

/// <summary>A column of a table: header text, width in points and which side its text keeps to.</summary>
internal sealed record TableColumn(string Header, double Width, bool AlignRight = false);

/// <summary>Fonts, colours and measures shared by every document.</summary>
internal sealed class DocumentStyle
{
    public DocumentStyle()
    {
        // Brushes and pens are per document (not static) so concurrent renders never share drawing objects.
    // Unicode encoding embeds a subset of the font with a ToUnicode map: é, ñ, ü, ø print and can be copied/searched.
        var options = new XPdfFontOptions(PdfFontEncoding.Unicode);
        var family = DocumentFontResolver.FamilyName;
        Body = new XFont(family, 9, XFontStyleEx.Regular, options);
        BodyBold = new XFont(family, 9, XFontStyleEx.Bold, options);
        Small = new XFont(family, 7.5, XFontStyleEx.Regular, options);
        Label = new XFont(family, 7, XFontStyleEx.Bold, options);
        Heading = new XFont(family, 10.5, XFontStyleEx.Bold, options);
        CompanyName = new XFont(family, 14, XFontStyleEx.Bold, options);
        Title = new XFont(family, 22, XFontStyleEx.Bold, options);
        Emphasis = new XFont(family, 11, XFontStyleEx.Bold, options);
    }

    public XFont Body { get; }
    public XFont BodyBold { get; }
    public XFont Small { get; }
    public XFont Label { get; }
    public XFont Heading { get; }
    public XFont CompanyName { get; }
    public XFont Title { get; }
    public XFont Emphasis { get; }

    public XBrush Text { get; } = new XSolidBrush(XColor.FromArgb(0x22, 0x22, 0x22));
    public XBrush Muted { get; } = new XSolidBrush(XColor.FromArgb(0x5F, 0x66, 0x6D));
    public XBrush Accent { get; } = new XSolidBrush(XColor.FromArgb(0x1F, 0x3A, 0x5F));
    public XBrush HeaderFill { get; } = new XSolidBrush(XColor.FromArgb(0xE9, 0xEE, 0xF4));
    public XBrush BandFill { get; } = new XSolidBrush(XColor.FromArgb(0xF5, 0xF7, 0xFA));
    public XPen Rule { get; } = new(XColor.FromArgb(0xD5, 0xDA, 0xE0), 0.5);
    public XPen StrongRule { get; } = new(XColor.FromArgb(0x22, 0x22, 0x22), 0.8);
}

/// <summary>
/// Lays content top to bottom over US Letter pages, starting a new page when the next block does not fit, and
/// numbers the pages ("Page X of Y") once the page count is known.
/// </summary>
internal sealed class PageFlow : IDisposable
{
    public const double PageWidth = 612;   // US Letter, points
    public const double PageHeight = 792;
    public const double Left = 54;
    public const double Right = PageWidth - 54;
    public const double Top = 50;
    public const double Bottom = PageHeight - 58; // leaves room for the footer
    public const double ContentWidth = Right - Left;

    /// <summary>
    /// Inset of text in table cells; totals outside tables use it too so money lines up with the amount column.
    /// </summary>
    public const double CellPadding = 3;

    private readonly PdfDocument _document;
    private readonly string _runningTitle;
    private readonly string _footerLeft;
    private XGraphics? _graphics;

    public PageFlow(PdfDocument document, DocumentStyle style, string runningTitle, string footerLeft)
    {
        _document = document;
        Style = style;
        _runningTitle = runningTitle;
        _footerLeft = footerLeft;
        NewPage();
    }

    public DocumentStyle Style { get; }

    /// <summary>Top of the free space on the current page.</summary>
    public double Y { get; set; }

    public XGraphics Graphics => _graphics ?? throw new ObjectDisposedException(nameof(PageFlow));

    public int PageCount => _document.PageCount;

    public bool Fits(double height) => Y + height <= Bottom;

    /// <summary>
    /// Starts a new page unless <paramref name="height"/> points still fit; returns true if it started one.
    /// </summary>
    public bool EnsureSpace(double height)
    {
        if (Fits(height)) return false;
        NewPage();
        return true;
    }

    public void NewPage()
    {
        _graphics?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.Letter;
        _graphics = XGraphics.FromPdfPage(page);
        Y = Top;
        if (_document.PageCount > 1)
        {
            // Continuation pages say whose document they belong to before the content goes on.
            Graphics.DrawString(_runningTitle, Style.BodyBold, Style.Accent, new XRect(Left, Y, ContentWidth, 12),
                XStringFormats.TopLeft);
            Y += 16;
            Graphics.DrawLine(Style.Rule, Left, Y, Right, Y);
            Y += 10;
        }
    }

    public void Text(
        string text, XFont font, XBrush brush, double x, double y, double width, bool alignRight = false) =>
        Graphics.DrawString(text, font, brush, new XRect(x, y, width, font.Size * 1.3),
            alignRight ? XStringFormats.TopRight : XStringFormats.TopLeft);

    public double Measure(string text, XFont font) => Graphics.MeasureString(text, font).Width;

    /// <summary>
    /// Splits <paramref name="text"/> into lines no wider than <paramref name="width"/> (words first, then characters).
    /// </summary>
    public IReadOnlyList<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = paragraph.TrimEnd();
            if (Measure(trimmed, font) <= width)
            {
                lines.Add(trimmed);
                continue;
            }
            var current = "";
            foreach (var word in trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (Measure(candidate, font) <= width)
                {
                    current = candidate;
                    continue;
                }
                if (current.Length > 0) lines.Add(current);
                current = word;
                while (Measure(current, font) > width && current.Length > 1)
                {
                    var take = current.Length - 1;
                    while (take > 1 && Measure(current[..take], font) > width) take--;
                    lines.Add(current[..take]);
                    current = current[take..];
                }
            }
            lines.Add(current);
        }
        return lines;
    }

    /// <summary>Draws a table header band; returns its height.</summary>
    public void TableHeader(IReadOnlyList<TableColumn> columns)
    {
        const double height = 18;
        Graphics.DrawRectangle(Style.HeaderFill, Left, Y, ContentWidth, height);
        var x = Left;
        foreach (var column in columns)
        {
            Text(column.Header, Style.Label, Style.Muted, x + 4, Y + 5.5, column.Width - 8, column.AlignRight);
            x += column.Width;
        }
        Y += height;
    }

    /// <summary>
    /// Draws one table row. Cells wrap; if the row does not fit, a new page is started and
    /// <paramref name="continueTable"/> redraws whatever must precede the row there (at least the table header). With
    /// <paramref name="keepWithNext"/>, the row also needs that much room after it on its page (the last row keeps
    /// what follows the table company).
    /// </summary>
    public void TableRow(
        IReadOnlyList<TableColumn> columns, IReadOnlyList<string> cells, Action continueTable, XFont? font = null,
        double keepWithNext = 0)
    {
        font ??= Style.Body;
        const double padding = CellPadding;
        var lineHeight = font.Size * 1.3;
        var wrapped = new IReadOnlyList<string>[columns.Count];
        var lineCount = 1;
        for (var i = 0; i < columns.Count; i++)
        {
            wrapped[i] = columns[i].AlignRight ? [cells[i]] : Wrap(cells[i], font, columns[i].Width - 2 * padding);
            lineCount = Math.Max(lineCount, wrapped[i].Count);
        }
        var height = lineCount * lineHeight + 2 * padding;
        if (EnsureSpace(height + keepWithNext)) continueTable();

        var x = Left;
        for (var i = 0; i < columns.Count; i++)
        {
            for (var line = 0; line < wrapped[i].Count; line++)
            {
                Text(wrapped[i][line], font, Style.Text, x + padding, Y + padding + line * lineHeight,
                    columns[i].Width - 2 * padding, columns[i].AlignRight);
            }
            x += columns[i].Width;
        }
        Y += height;
        Graphics.DrawLine(Style.Rule, Left, Y, Right, Y);
    }

    /// <summary>Closes the last page and writes the footer with page numbers on every page.</summary>
    public void Finish()
    {
        _graphics?.Dispose();
        _graphics = null;
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var graphics = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            var y = PageHeight - 44;
            graphics.DrawLine(Style.Rule, Left, y, Right, y);
            graphics.DrawString(_footerLeft, Style.Small, Style.Muted, new XRect(Left, y + 6, ContentWidth - 90, 10),
                XStringFormats.TopLeft);
            graphics.DrawString($"Page {i + 1} of {count}", Style.Small, Style.Muted,
                new XRect(Left, y + 6, ContentWidth, 10), XStringFormats.TopRight);
        }
    }

    public void Dispose() => _graphics?.Dispose();
}
