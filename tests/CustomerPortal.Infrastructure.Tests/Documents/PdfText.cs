using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace CustomerPortal.Infrastructure.Tests.Documents;

/// <summary>
/// What a reader (or a search, or copy and paste) gets out of a PDF: the text of each page in drawing order.
/// </summary>
internal static class PdfText
{
    public static IReadOnlyList<string> Pages(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages()
            .Select(page => ContentOrderTextExtractor.GetText(page).Replace('\n', ' ').Replace('\r', ' '))
            .ToList();
    }

    public static string All(byte[] pdf) => string.Join(" ", Pages(pdf));

    /// <summary>
    /// Asserts that each of <paramref name="expected"/> occurs in <paramref name="text"/>, in that order.
    /// </summary>
    public static void AssertInOrder(string text, params string[] expected)
    {
        var from = 0;
        foreach (var item in expected)
        {
            var at = text.IndexOf(item, from, StringComparison.Ordinal);
            Assert.True(at >= 0, $"Expected \"{item}\" after position {from} in:\n{text}");
            from = at + item.Length;
        }
    }
}
