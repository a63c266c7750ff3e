using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>The table position every request carries (query string on GET, hidden fields on POST).</summary>
public sealed class TableStateInput
{
    public int? Page { get; set; }
    public int? Size { get; set; }
    public string? Sort { get; set; }
    public string? Dir { get; set; }
    public long[]? Open { get; set; }

    public TableState ToState() => TableState.From(Page, Size, Sort, Dir, Open);
}

/// <summary>
/// Make a Payment. Every action is a small POST: a script asks for fragments (header <c>X-Fragment: 1</c>) and gets
/// the overview and work area back with the action's status code; a plain form post is redirected back to the page
/// (POST-redirect-GET) when accepted, or gets the whole page with the message and a 400/404 when refused.
/// </summary>
[Route("pay")]
[EnableRateLimiting(PortalPolicies.PayPageConcurrency)]
[RefuseUnreadableNumbers]
public sealed class MakeAPaymentController(ICustomerContext customers, PayPageQuery pages, PaymentDraftService drafts)
    : Controller
{
    private const string NoticeKey = "pay.notice";
    private const string NoticeTargetKey = "pay.notice.target";

    [HttpGet("")]
    public async Task<IActionResult> Index(TableStateInput table, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        PageMessage? notice = TempData[NoticeKey] is string text
            ? new PageMessage(text,
                Enum.TryParse<MessageTarget>(TempData[NoticeTargetKey] as string, out var t)
                    ? t
                    : MessageTarget.Selection,
                false)
            : null;
        var page = await pages.BuildAsync(access, table.ToState(), notice, null, ct);
        return IsFragmentRequest ? Fragments(page) : View(await pages.WithPayingAsync(page, ct));
    }

    [HttpPost("choice")]
    [RequiresProPlan]
    public Task<IActionResult> Choose([FromForm] string? choice, TableStateInput table, CancellationToken ct) =>
        Act((access, c) => drafts.ChooseAsync(access, choice, c), TableState.Default, null, ct);

    [HttpPost("selection/invoice")]
    [RequiresProPlan]
    public Task<IActionResult> SetInvoice([FromForm] string? invoiceId, [FromForm] string? check, TableStateInput table,
        CancellationToken ct) =>
        long.TryParse(invoiceId, out var id) && id > 0
            ? Toggle((access, c) => drafts.SetInvoiceAsync(access, id, IsChecked(check), c), RowScope.Invoice(id),
                table.ToState(), ct)
            : RefuseAsync("That invoice is not one of your open invoices.", table.ToState(), ct);

    [HttpPost("selection/parent")]
    [RequiresProPlan]
    public Task<IActionResult> SetParent([FromForm] string? parentId, [FromForm] string? check, TableStateInput table,
        CancellationToken ct) =>
        long.TryParse(parentId, out var id) && id > 0
            ? Toggle((access, c) => drafts.SetParentAsync(access, id, IsChecked(check), c), RowScope.Parent(id),
                table.ToState(), ct)
            : RefuseAsync("That multi-site invoice is not one of your open invoices.", table.ToState(), ct);

    [HttpPost("selection/page")]
    [RequiresProPlan]
    public Task<IActionResult> SelectPage([FromForm(Name = "ids")] string[]? ids, TableStateInput table,
        CancellationToken ct)
    {
        var parsed = new List<long>();
        foreach (var text in ids ?? [])
        {
            if (!long.TryParse(text, out var id) || id <= 0)
                return RefuseAsync("That invoice is not one of your open invoices.", table.ToState(), ct);
            parsed.Add(id);
        }
        return Act((access, c) => drafts.SelectPageAsync(access, parsed, c), table.ToState(), null, ct);
    }

    [HttpPost("selection/all")]
    [RequiresProPlan]
    public Task<IActionResult> SelectAll(TableStateInput table, CancellationToken ct) =>
        Act(drafts.SelectAllAsync, table.ToState(), null, ct);

    [HttpPost("selection/overdue")]
    [RequiresProPlan]
    public Task<IActionResult> SelectOverdue(TableStateInput table, CancellationToken ct) =>
        Act(drafts.SelectOverdueAsync, TableState.Default, null, ct);

    [HttpPost("selection/clear")]
    [RequiresProPlan]
    public Task<IActionResult> Clear(TableStateInput table, CancellationToken ct) =>
        Act(drafts.ClearAsync, table.ToState(), null, ct);

    [HttpPost("amount")]
    [RequiresProPlan]
    public Task<IActionResult> CustomAmount([FromForm] string? amount, TableStateInput table, CancellationToken ct) =>
        Act((access, c) => drafts.SetCustomAmountAsync(access, amount, c), table.ToState(), amount ?? "", ct);

    /// <summary>Hands the draft to the payment flow (checkout), once the planner agrees it can be paid.</summary>
    [HttpPost("continue")]
    [RequiresProPlan]
    public async Task<IActionResult> Continue(TableStateInput table, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await drafts.ContinueAsync(access, ct);
        if (outcome.Status == ActionStatus.Done) return Redirect(MakeAPaymentRoutes.Checkout);
        return await AnswerAsync(access, outcome, table.ToState(), null, ct);
    }

    private bool IsFragmentRequest => Request.Headers["X-Fragment"] == "1";

    /// <summary>
    /// The header a script sends with the <see cref="PageVersion"/> its page shows, and gets back with the version it
    /// shows next.
    /// </summary>
    public const string VersionHeader = "X-Page-Version";

    private static bool IsChecked(string? check) => string.Equals(check, "true", StringComparison.OrdinalIgnoreCase);

    private async Task<IActionResult> Act(Func<CustomerAccess, CancellationToken, Task<ActionOutcome>> action,
        TableState state, string? attemptedAmount, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await action(access, ct);
        return await AnswerAsync(access, outcome, state, attemptedAmount, ct);
    }

    /// <summary>
    /// Checking or unchecking one invoice or one multi-site invoice. A script whose page shows the draft revision the
    /// action started from and the customer's invoice figures as they still are (<see cref="PageVersion"/>) gets only
    /// what the toggle changed: the overview, the changed rows, the selection message and the Continue button. Anything
    /// else (a refusal, a notice, no version, another tab's change, a payment or an invoice change since the page was
    /// drawn) gets the whole work area, so the page never keeps a row the server no longer agrees with.
    /// </summary>
    private async Task<IActionResult> Toggle(Func<CustomerAccess, CancellationToken, Task<ActionOutcome>> action,
        RowScope scope, TableState state, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var outcome = await action(access, ct);
        if (IsFragmentRequest && outcome is { Status: ActionStatus.Done, Message: null, RevisionBefore: { } before } &&
            PageVersion.TryParse(Request.Headers[VersionHeader], out var shownRevision, out var shownStamp) &&
            shownRevision == before &&
            shownStamp == await pages.DataStampAsync(access, ct))
        {
            // RowsOnly is false when only the whole page can say it (a child whose parent was not read): then it is
            // drawn whole.
            return Fragments(await pages.BuildAsync(access, state, null, null, ct, scope));
        }
        return await AnswerAsync(access, outcome, state, null, ct);
    }

    private PartialViewResult Fragments(PayPage page)
    {
        Response.Headers[VersionHeader] = page.Version;
        return PartialView(page.RowsOnly ? "_RowFragments" : "_Fragments", page);
    }

    private async Task<IActionResult> RefuseAsync(string message, TableState state, CancellationToken ct)
    {
        if (await customers.GetAsync(ct) is not { } access) return Redirect("/");
        var refused = new ActionOutcome(
            ActionStatus.Refused, new PageMessage(message, MessageTarget.Selection, true));
        return await AnswerAsync(access, refused, state, null, ct);
    }

    private async Task<IActionResult> AnswerAsync(CustomerAccess access, ActionOutcome outcome, TableState state,
        string? attemptedAmount, CancellationToken ct)
    {
        var refused = outcome.Status != ActionStatus.Done;
        if (!refused && !IsFragmentRequest)
        {
            if (outcome.Message is { } notice)
            {
                TempData[NoticeKey] = notice.Text;
                TempData[NoticeTargetKey] = notice.Target.ToString();
            }
            return Redirect(MakeAPaymentRoutes.Page + state.Query());
        }
        // A refused amount is shown as typed; an accepted one is shown as stored.
        var page = await pages.BuildAsync(access, state, outcome.Message, refused ? attemptedAmount : null, ct);
        Response.StatusCode = outcome.StatusCode;
        return IsFragmentRequest ? Fragments(page) : View("Index", await pages.WithPayingAsync(page, ct));
    }
}

public static class MakeAPaymentRoutes
{
    public const string Page = PortalRoutes.Landing;
    public const string Checkout = "/pay/checkout";
}
