namespace CustomerPortal.Infrastructure.Tests.Documents;

/// <summary>
/// PDFsharp's font settings are process-wide and one test resets them, so the document tests run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PdfDocumentsCollection
{
    public const string Name = "PDF documents";
}
