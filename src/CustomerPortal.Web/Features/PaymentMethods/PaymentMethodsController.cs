using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// Saved payment methods: the Payment methods page, add (through the processor's form), make default, remove with
/// confirmation. An agent viewing as the customer sees the page without its controls.
/// </summary>
[RequiresProPlan]
public sealed class PaymentMethodsController(ICustomerContext customers, PaymentMethodService methods,
    IPaymentGateway gateway) : Controller
{
    public const string PagePath = "/pay/methods";

    [HttpGet(PagePath)]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        // The sandbox's entry forms hand a token over and come back here; Stripe's need its own page (not yet).
        return View(await methods.PageAsync(access, canEnterHere: gateway is SandboxProcessor, ct));
    }

    /// <summary>
    /// Saves the card or bank account this contact just entered in the processor's form, without paying.
    /// </summary>
    [HttpPost("/pay/methods/entered/{id:long}")]
    public async Task<IActionResult> SaveEntered(long id, bool achAuthorized, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await methods.SaveEnteredAsync(access, id, achAuthorized, Client(), ct);
        if (outcome.StatusCode == 404) return NotFound();
        if (!outcome.IsPayment)
        {
            Response.StatusCode = outcome.StatusCode;
            if (outcome.StatusCode == 403) return View("Refused", outcome.Message);
            return View("Index", await methods.PageAsync(access, gateway is SandboxProcessor, ct) with
            {
                Error = outcome.Message,
            });
        }
        TempData["Message"] = "The payment method was saved.";
        return Redirect(PagePath);
    }

    [HttpGet("/pay/methods/{id:long}/remove")]
    public async Task<IActionResult> ConfirmRemove(long id, string? return_url, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused)
        {
            Response.StatusCode = refused.StatusCode;
            return View("Refused", refused.Message);
        }
        var method = await methods.FindAsync(access, id, ct);
        if (method is null) return NotFound();
        ViewData["ReturnUrl"] = Local(return_url);
        return View(method);
    }

    [HttpPost("/pay/methods/{id:long}/remove")]
    public async Task<IActionResult> Remove(long id, string? return_url, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await methods.RemoveAsync(access, id, ct);
        if (outcome.StatusCode == 404) return NotFound();
        if (!outcome.IsPayment) { Response.StatusCode = outcome.StatusCode; return View("Refused", outcome.Message); }
        TempData["Message"] = "The payment method was removed.";
        return Redirect(Local(return_url));
    }

    [HttpPost("/pay/methods/{id:long}/default")]
    public async Task<IActionResult> MakeDefault(long id, string? return_url, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await methods.MakeDefaultAsync(access, id, ct);
        if (outcome.StatusCode == 404) return NotFound();
        if (!outcome.IsPayment) { Response.StatusCode = outcome.StatusCode; return View("Refused", outcome.Message); }
        TempData["Message"] = "The default payment method was changed.";
        return Redirect(Local(return_url));
    }

    /// <summary>Save a method without paying: the token comes back from the processor's own entry form.</summary>
    [HttpPost("/pay/methods")]
    public async Task<IActionResult> Add(string? token, bool achAuthorized, string? return_url, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await methods.AddAsync(access, token, achAuthorized, Client(), ct);
        if (outcome.StatusCode == 404) return NotFound();
        if (!outcome.IsPayment) { Response.StatusCode = outcome.StatusCode; return View("Refused", outcome.Message); }
        return Redirect(Local(return_url) is var back && back.Contains('?', StringComparison.Ordinal)
            ? back
            : $"{back}?method=saved-{outcome.PaymentId}");
    }

    private PayClient Client() => new(HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        Request.Headers.UserAgent.ToString(), "");

    private string Local(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/pay/checkout";
}
