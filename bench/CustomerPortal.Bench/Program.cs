using BenchmarkDotNet.Running;
using CustomerPortal.Bench;
using CustomerPortal.Infrastructure.Documents;

// `dotnet run -c Release --project bench/CustomerPortal.Bench -- --filter '*Pdf*'` runs the PDF benchmarks;
// `... -- --samples /tmp/pdf` writes one of each document there to look at.
if (args.Length == 2 && args[0] == "--samples")
{
    Directory.CreateDirectory(args[1]);
    var renderer = new InvoicePdfRenderer();
    Write("Invoice-sample.pdf", renderer.RenderInvoice(SampleDocuments.Invoice(20)));
    Write("Invoice-long.pdf", renderer.RenderInvoice(SampleDocuments.Invoice(120)));
    Write("Invoice-multisite.pdf", renderer.RenderMultiSiteInvoice(SampleDocuments.MultiSite(40)));
    Write("Receipt-sample.pdf", renderer.RenderReceipt(SampleDocuments.Receipt()));
    Console.WriteLine($"Fonts: {DocumentFonts.FontDescription}");
    return 0;

    void Write(string name, byte[] pdf)
    {
        var path = Path.Combine(args[1], name);
        File.WriteAllBytes(path, pdf);
        Console.WriteLine($"{path} ({pdf.Length:N0} bytes)");
    }
}

BenchmarkSwitcher.FromAssembly(typeof(PdfBenchmarks).Assembly).Run(args);
return 0;
