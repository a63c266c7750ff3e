using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Sandbox;

/// <summary>
/// The sandbox processor's own pages (what Stripe's hosted fields and 3-D Secure page are to Stripe): the card and bank
/// entry forms post the numbers here, to the "processor", which answers the portal with a token only. Nothing here
/// stores or logs a number; the forms never echo one back. Only exists while the sandbox is the processor.
/// The token is handed to the portal in the same request (<see cref="EnteredPaymentTokens"/>: it becomes the signed-in
/// contact's), and the browser goes back without it: a token never travels in a URL.
/// </summary>
public sealed class SandboxController(IPaymentGateway gateway, ICustomerContext customers, EnteredPaymentTokens tokens,
    PaymentQueries payments) : Controller
{
    [HttpGet("/sandbox/elements/card")]
    public IActionResult Card(string? return_url) =>
        gateway is SandboxProcessor ? View(new SandboxFormView(Local(return_url), null)) : NotFound();

    [HttpPost("/sandbox/elements/card")]
    public async Task<IActionResult> TokenizeCard(
        string? number, int expMonth, int expYear, string? cvc, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        if (await PayingCustomerAsync(ct) is not { } access) return NotFound();
        var result = await sandbox.TokenizeCardAsync(number ?? "", expMonth, expYear, cvc ?? "", ct);
        if (!result.Succeeded)
        {
            Response.StatusCode = 400;
            return View("Card", new SandboxFormView(Local(return_url), result.ErrorMessage));
        }
        return await HandOverAsync(access, result.Token!, return_url, ct);
    }

    [HttpGet("/sandbox/elements/bank")]
    public IActionResult Bank(string? return_url) =>
        gateway is SandboxProcessor ? View(new SandboxFormView(Local(return_url), null)) : NotFound();

    [HttpPost("/sandbox/elements/bank")]
    public async Task<IActionResult> TokenizeBank(
        string? routing, string? account, string? accountType, string? return_url, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox) return NotFound();
        if (await PayingCustomerAsync(ct) is not { } access) return NotFound();
        var result = await sandbox.TokenizeBankAccountAsync(
            routing ?? "", account ?? "", accountType == "savings" ? "savings" : "checking", ct);
        if (!result.Succeeded)
        {
            Response.StatusCode = 400;
            return View("Bank", new SandboxFormView(Local(return_url), result.ErrorMessage));
        }
        return await HandOverAsync(access, result.Token!, return_url, ct);
    }

    [HttpGet("/sandbox/3ds/{id}")]
    public async Task<IActionResult> Authenticate(string id, string? return_url, CancellationToken ct)
    {
        if (await ChallengeAsync(id, ct) is not { } payment) return NotFound();
        return View(new SandboxAuthView(id, payment.AmountCents, Local(return_url)));
    }

    [HttpPost("/sandbox/3ds/{id}")]
    public async Task<IActionResult> CompleteAuthentication(
        string id, bool approve, string? return_url, CancellationToken ct)
    {
        if (await ChallengeAsync(id, ct) is null || gateway is not SandboxProcessor sandbox) return NotFound();
        if (await sandbox.CompleteAuthenticationAsync(id, approve, ct) is null) return NotFound();
        return Redirect(Local(return_url));
    }

    /// <summary>
    /// The payment waiting for this challenge, if it is the signed-in customer's (the portal's record says whose it is)
    /// and still waits (the processor's says so). Anyone else, and everyone once it has ended, is answered 404.
    /// </summary>
    private async Task<ProcessorPayment?> ChallengeAsync(string id, CancellationToken ct)
    {
        if (gateway is not SandboxProcessor sandbox || await customers.GetAsync(ct) is not { } access) return null;
        if (!await payments.IsOwnProcessorPaymentAsync(access, id, ct)) return null;
        var payment = await sandbox.GetPaymentAsync(id, cancellationToken: ct);
        return payment is { Outcome: ChargeOutcome.RequiresAction } ? payment : null;
    }

    /// <summary>Who the entered numbers are for: a signed-in customer's contact who may pay online.</summary>
    private async Task<CustomerAccess?> PayingCustomerAsync(CancellationToken ct) =>
        await customers.GetAsync(ct) is { } access && PlanGate.RefuseIfNotAllowed(access) is null ? access : null;

    private async Task<IActionResult> HandOverAsync(CustomerAccess access, string token, string? returnUrl,
        CancellationToken ct) =>
        await tokens.HandOverAsync(access, token, ct) is null ? NotFound() : Redirect(Local(returnUrl));

    private string Local(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/pay/checkout";
}

public sealed record SandboxFormView(string ReturnUrl, string? Error);

public sealed record SandboxAuthView(string ProcessorPaymentId, long AmountCents, string ReturnUrl);
