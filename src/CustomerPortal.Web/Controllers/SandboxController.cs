using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Controllers;

/// <summary>
/// The sandbox processor's own pages (what Stripe's hosted fields and 3-D Secure page are to Stripe): the card and bank
/// entry forms post the numbers here, to the "processor", which answers the portal with a token only. Nothing here
/// stores or logs a number; the forms never echo one back. Only exists while the sandbox is the processor.
/// </summary>
public sealed class SandboxController(IPaymentGateway gateway) : Controller
{
    [HttpGet("/sandbox/elements/card")]
    public IActionResult Card(string? return_url) =>
        gateway is SandboxProcessor ? View(new SandboxFormView(Local(return_url), null)) : NotFound();

    [HttpPost("/sandbox/elements/card")]
    public async Task<IActionResult> TokenizeCard(string? number, int expMonth, int expYear, string? cvc, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        var result = await sandbox.TokenizeCardAsync(number ?? "", expMonth, expYear, cvc ?? "", ct);
        if (!result.Succeeded) { Response.StatusCode = 400; return View("Card", new SandboxFormView(Local(return_url), result.ErrorMessage)); }
        return Redirect(WithToken(Local(return_url), result.Token!));
    }

    [HttpGet("/sandbox/elements/bank")]
    public IActionResult Bank(string? return_url) =>
        gateway is SandboxProcessor ? View(new SandboxFormView(Local(return_url), null)) : NotFound();

    [HttpPost("/sandbox/elements/bank")]
    public async Task<IActionResult> TokenizeBank(string? routing, string? account, string? accountType, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        var result = await sandbox.TokenizeBankAccountAsync(routing ?? "", account ?? "", accountType == "savings" ? "savings" : "checking", ct);
        if (!result.Succeeded) { Response.StatusCode = 400; return View("Bank", new SandboxFormView(Local(return_url), result.ErrorMessage)); }
        return Redirect(WithToken(Local(return_url), result.Token!));
    }

    [HttpGet("/sandbox/3ds/{id}")]
    public async Task<IActionResult> Authenticate(string id, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        var payment = await sandbox.GetPaymentAsync(id, cancellationToken: ct);
        if (payment is null) return NotFound();
        return View(new SandboxAuthView(id, payment.AmountCents, Local(return_url)));
    }

    [HttpPost("/sandbox/3ds/{id}")]
    public async Task<IActionResult> CompleteAuthentication(string id, bool approve, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        if (await sandbox.CompleteAuthenticationAsync(id, approve, ct) is null) return NotFound();
        return Redirect(Local(return_url));
    }

    private string Local(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/pay/checkout";

    private static string WithToken(string url, string token) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "pm=" + Uri.EscapeDataString(token);
}

public sealed record SandboxFormView(string ReturnUrl, string? Error);

public sealed record SandboxAuthView(string ProcessorPaymentId, long AmountCents, string ReturnUrl);
