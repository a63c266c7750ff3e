using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using CustomerPortal.Infrastructure.Documents;

namespace CustomerPortal.Bench;

/// <summary>
/// Single-threaded PDF rendering. Targets: a 20-line invoice at 200 documents/s or more (≤ 5 ms each);
/// a 40-site consolidated invoice in 100 ms or less.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PdfBenchmarks
{
    private InvoicePdfRenderer _renderer = null!;
    private InvoiceDocumentModel _invoice = null!;
    private MultiSiteInvoiceDocumentModel _multiSite = null!;

    [GlobalSetup]
    public void Setup()
    {
        _renderer = new InvoicePdfRenderer();
        _invoice = SampleDocuments.Invoice(20);
        _multiSite = SampleDocuments.MultiSite(40);
    }

    [Benchmark(Description = "Invoice PDF, 20 lines")]
    public byte[] Invoice20Lines() => _renderer.RenderInvoice(_invoice);

    [Benchmark(Description = "Multi-site PDF, 40 sites")]
    public byte[] MultiSite40() => _renderer.RenderMultiSiteInvoice(_multiSite);
}
