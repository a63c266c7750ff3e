using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// Saved payment methods: add (through the processor's form), make default, remove with confirmation.
/// </summary>
[RequiresProPlan]
public sealed class PaymentMethodsController(ICustomerContext customers, PaymentMethodService methods) : Controller
{
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
        return Redirect(Local(return_url));
    }

    /// <summary>Save a method without paying: the token comes back from the processor's own entry form.</summary>
    [HttpPost("/pay/methods")]
    public async Task<IActionResult> Add(string? token, bool achAuthorized, string? return_url, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await methods.AddAsync(access, token, achAuthorized,
            new PayClient(HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                Request.Headers.UserAgent.ToString(), ""), ct);
        if (outcome.StatusCode == 404) return NotFound();
        if (!outcome.IsPayment) { Response.StatusCode = outcome.StatusCode; return View("Refused", outcome.Message); }
        return Redirect(Local(return_url) is var back && back.Contains('?', StringComparison.Ordinal)
            ? back
            : $"{back}?method=saved-{outcome.PaymentId}");
    }

    private string Local(string? url) => !string.IsNullOrEmpty(url) && Url.IsLocalUrl(url) ? url : "/pay/checkout";
}
