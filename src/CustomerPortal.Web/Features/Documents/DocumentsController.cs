using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Documents;

/// <summary>Invoice and receipt PDFs of the customer of the request (404 for anything else).</summary>
public sealed class DocumentsController(ICustomerContext customers, InvoiceDocumentService documents) : Controller
{
    [HttpGet("/invoices/{id:long}/pdf")]
    public Task<IActionResult> Invoice(long id, CancellationToken ct) =>
        Send((a, c) => documents.InvoiceAsync(a, id, c), ct);

    [HttpGet("/multi-site-invoices/{id:long}/pdf")]
    public Task<IActionResult> MultiSiteInvoice(long id, CancellationToken ct) =>
        Send((a, c) => documents.MultiSiteInvoiceAsync(a, id, c), ct);

    [HttpGet("/payments/{id:long}/receipt.pdf")]
    public Task<IActionResult> Receipt(long id, CancellationToken ct) =>
        Send((a, c) => documents.ReceiptAsync(a, id, c), ct);

    private async Task<IActionResult> Send(
        Func<CustomerAccess, CancellationToken, Task<PdfFile?>> build, CancellationToken ct)
    {
        var access = await customers.GetAsync(ct);
        if (access is null) return NotFound();
        var file = await build(access, ct);
        if (file is null) return NotFound();
        // FileContentResult with a download name sends Content-Disposition: attachment.
        return File(file.Content, "application/pdf", file.FileName);
    }
}

public static class DocumentsFeature
{
    public static IServiceCollection AddDocuments(this IServiceCollection services)
    {
        services.AddSingleton<CustomerPortal.Infrastructure.Documents.InvoicePdfRenderer>();
        services.AddScoped<InvoiceDocumentService>();
        return services;
    }
}
