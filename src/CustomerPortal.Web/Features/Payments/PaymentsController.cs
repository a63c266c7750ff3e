using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// The Pay button's form as posted. "Method" is "saved-{id}", "entered-{id}" (what this contact entered in the
/// processor's form; the portal keeps its token) or "new-{processor token}" (Stripe's Payment Element); never a number.
/// </summary>
public sealed class PayForm
{
    public string? Method { get; set; }
    public bool SaveMethod { get; set; }
    public bool AchAuthorized { get; set; }
    public int DraftRevision { get; set; }
    public long ExpectedAmountCents { get; set; }

    public PayCommand ToCommand()
    {
        long? saved = null, entered = null;
        string? token = null;
        if (Method is { } m && m.StartsWith("saved-", StringComparison.Ordinal)
            && long.TryParse(m.AsSpan(6), out var id)) saved = id;
        else if (Method is { } e && e.StartsWith(NewMethodOption.Prefix, StringComparison.Ordinal)
                 && long.TryParse(e.AsSpan(NewMethodOption.Prefix.Length), out var enteredId)) entered = enteredId;
        else if (Method is { } n && n.StartsWith("new-", StringComparison.Ordinal) && n.Length > 4) token = n[4..];
        return new PayCommand(DraftRevision, ExpectedAmountCents, saved, token, SaveMethod, AchAuthorized, entered);
    }
}

/// <summary>Checkout ("How will you be paying today?" and Pay), a payment's result, and payment history.</summary>
[RequiresProPlan]
[RefuseUnreadableNumbers]
public sealed class PaymentsController(ICustomerContext customers, PaymentQueries queries, PaymentService payments)
    : Controller
{
    [HttpGet("/pay/checkout")]
    public async Task<IActionResult> Checkout(string? method, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        // An agent viewing as the customer sees the page (figures, split, saved methods) without its controls; only the
        // plan refuses.
        if (!access.CanPayOnline && PlanGate.RefuseIfNotAllowed(access) is { } refused) return Refusal(refused);
        return await queries.CheckoutAsync(access, method, ct) is { } view ? View(view) : NotFound();
    }

    [HttpPost("/pay/checkout")]
    public async Task<IActionResult> Pay([FromForm] PayForm form, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await payments.SubmitAsync(access, form.ToCommand(), Client(), ct);
        if (outcome.PaymentId is { } id) return Redirect(outcome.RedirectUrl ?? $"/pay/payments/{id}");
        if (outcome.StatusCode == 403) return Refusal(outcome);
        // A token handed over with this form is offered again as the contact's entered method (chosen by default).
        var selected = form.Method is { } m && m.StartsWith("new-", StringComparison.Ordinal) ? null : form.Method;
        // A method that is not (or no longer) offered is not chosen again; the refusal says what was wrong with it.
        var page = await queries.CheckoutAsync(access, selected, ct) ?? await queries.CheckoutAsync(access, null, ct);
        var view = page! with { Error = outcome.Message, ErrorField = outcome.Field };
        Response.StatusCode = outcome.StatusCode;
        return View("Checkout", view);
    }

    [HttpGet("/pay/payments/{id:long}")]
    public async Task<IActionResult> Payment(long id, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var payment = await queries.PaymentAsync(access, id, ct);
        return payment is null ? NotFound() : View(payment);
    }

    [HttpGet("/pay/history")]
    public async Task<IActionResult> History(int page = 1, CancellationToken ct = default)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        return View(await queries.HistoryAsync(access, page, ct));
    }

    private PayClient Client() => new(
        HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        Request.Headers.UserAgent.ToString(),
        $"{Request.Scheme}://{Request.Host}");

    private ViewResult Refusal(PayOutcome outcome)
    {
        Response.StatusCode = outcome.StatusCode;
        return View("Refused", outcome.Message);
    }
}
