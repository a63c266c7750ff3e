using CustomerPortal.Infrastructure.Documents;
using PdfSharp.Fonts;

namespace CustomerPortal.Infrastructure.Tests.Documents;

[Collection(PdfDocumentsCollection.Name)]
public sealed class DocumentFontsTests
{
    [Fact]
    public void WithoutSystemFontsTheFontsInsideThePDFsharpPackageAreUsed()
    {
        var resolver = DocumentFontResolver.Create([]);

        Assert.Equal(DocumentFontSource.PdfSharpPackage, resolver.Source);
        Assert.NotEmpty(
            resolver.GetFont(resolver.ResolveTypeface(DocumentFontResolver.FamilyName, false, false).FaceName)!);
        Assert.NotEmpty(
            resolver.GetFont(resolver.ResolveTypeface(DocumentFontResolver.FamilyName, true, false).FaceName)!);
    }

    [Fact]
    public void ADejaVuSansPairInAFontFolderIsFoundInItsSubfolders()
    {
        var folder = Directory.CreateTempSubdirectory("portal-fonts-");
        try
        {
            var dejavu = Directory.CreateDirectory(Path.Combine(folder.FullName, "truetype", "dejavu"));
            // Stand-in bytes: only the search is under test here, not the font itself.
            File.WriteAllBytes(Path.Combine(dejavu.FullName, "DejaVuSans.ttf"), [1, 2, 3]);
            File.WriteAllBytes(Path.Combine(dejavu.FullName, "DejaVuSans-Bold.ttf"), [4, 5, 6]);

            var resolver = DocumentFontResolver.Create([Path.Combine(folder.FullName, "missing"), folder.FullName]);

            Assert.Equal(DocumentFontSource.System, resolver.Source);
            Assert.StartsWith("DejaVu Sans", resolver.Description, StringComparison.Ordinal);
            Assert.Equal([4, 5, 6],
                resolver.GetFont(resolver.ResolveTypeface("Arial", isBold: true, isItalic: false).FaceName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void RegisteringFromManyThreadsAtOnceRegistersOneResolver()
    {
        var results = new DocumentFontRegistration[16];
        Parallel.For(0, results.Length, i => results[i] = DocumentFonts.EnsureRegistered());

        Assert.All(results, r => Assert.Equal(DocumentFontRegistration.Primary, r));
        Assert.IsType<DocumentFontResolver>(GlobalFontSettings.FontResolver);
    }

    [Fact]
    public void WhenAnotherLibraryAlreadySetAFontResolverDocumentsStillRenderWithOurFontsAsFallback()
    {
        try
        {
            GlobalFontSettings.ResetFontManagement();
            DocumentFonts.ForgetRegistrationForTests();
            var foreign = new ForeignFontResolver();
            GlobalFontSettings.FontResolver = foreign;

            var renderer = new InvoicePdfRenderer();
            var text = PdfText.All(renderer.RenderInvoice(
                DocumentSamples.Invoice(billTo: DocumentSamples.BillTo("Señora Ødegård"))));

            Assert.Same(foreign, GlobalFontSettings.FontResolver);
            Assert.Equal(DocumentFontRegistration.Fallback, DocumentFonts.EnsureRegistered());
            Assert.Contains("Señora Ødegård", text, StringComparison.Ordinal);
        }
        finally
        {
            GlobalFontSettings.ResetFontManagement();
            DocumentFonts.ForgetRegistrationForTests();
            DocumentFonts.EnsureRegistered();
        }
    }

    /// <summary>A resolver some other part of an application might set: it knows only its own family.</summary>
    private sealed class ForeignFontResolver : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
            familyName == "Foreign Family" ? new FontResolverInfo("foreign") : null;

        public byte[]? GetFont(string faceName) => null;
    }
}
